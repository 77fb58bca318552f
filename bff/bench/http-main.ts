/** The HTTP part of `pnpm bench` alone: `cd bff && npx tsx bench/http-main.ts` (profile it with `node --cpu-prof --import tsx`). */
import { runHttpBench } from './http'

await runHttpBench()
