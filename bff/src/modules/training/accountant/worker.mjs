// Worker thread of the accountant pool. Worker threads do not inherit tsx's loader in every
// setting (tests, benches): register it, then expose the TypeScript tasks by name.
import { register } from 'tsx/esm/api'

register()
const tasks = await import('./tasks.ts')

export const perStepVector = tasks.perStepVector
export const rebuildLedger = tasks.rebuildLedger
