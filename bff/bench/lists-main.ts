/** The large-lists part of `pnpm bench` alone: `cd bff && npx tsx bench/lists-main.ts`. */
import { runListsBench } from './lists'

await runListsBench()
