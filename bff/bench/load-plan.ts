/** The plan and the figures that `pnpm bench:load`'s orchestrator (load.ts) and its load client share. */

export type Session = { cookie: string; csrf: string }

/** Everything the load client needs; written to a JSON file that it reads. */
export type LoadPlan = {
  url: string
  seconds: number
  /** Users whose sessions make the reads and the audited writes (spread over them in turn). */
  readers: Session[]
  /** Users who sign in during the load, in turn. */
  signers: { username: string; password: string }[]
  runs: { id: string; agentKey: string }[]
  /** Packages whose labels the audited writes change. */
  packageIds: string[]
  publisherKey: string
  /** Signed packages to upload during the load, one a second, each once. */
  uploads: string[]
  /** The console's own JavaScript entry (read as the first load does). */
  entryAsset: string | null
  resultFile: string
}

/** Requests a second per stream, by default; the sum is the offered rate. */
const DEFAULT_RATES = {
  /** Every list the console reads, and the console's own first load, in turn. */
  reads: 12,
  signIns: 1,
  /** Training round reports, spread over the runs (each run its own agent key). */
  rounds: 4,
  /** Audited writes: package label changes and run annotations, in turn. */
  auditedWrites: 4,
  uploads: 1,
}

/** LOAD_RATES overrides some (`reads=12,rounds=4`); both processes of the bench read the same environment. */
function ratesOf(spec: string | undefined): typeof DEFAULT_RATES {
  const rates = { ...DEFAULT_RATES }
  for (const part of (spec ?? '').split(',').filter(Boolean)) {
    const [name, value] = part.split('=')
    if (!name || !(name in rates) || !(Number(value) > 0))
      throw new Error(`LOAD_RATES: "${part}" is not one of ${Object.keys(rates).join(', ')}=<requests a second>`)
    rates[name as keyof typeof rates] = Number(value)
  }
  return rates
}

export const RATES = ratesOf(process.env.LOAD_RATES)

export type RouteResult = {
  route: string
  count: number
  p50: number
  p99: number
  max: number
  errors: Record<string, number>
}
export type LoadResult = {
  seconds: number
  offeredPerSecond: number
  sent: number
  completed: number
  /** Seconds from the first intended send to the last answer. */
  elapsedS: number
  /** How late the generator sent a request after its intended time, at most (ms). */
  maxSendLagMs: number
  routes: RouteResult[]
  errorAtS: number[]
}
