/** What `pnpm bench:load` prints: the workload, errors per route, latencies, rate and memory. */
import { availableParallelism } from 'node:os'
import { DEFAULT_RATE_LIMITS } from '../src/env'
import { RATES } from './load-plan'
import type { LoadResult } from './load-plan'
import type { MemorySample } from './load-server'

const ms = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`.padStart(9)

export function printWorkload(counts: { readers: number; signers: number; runs: number }) {
  const offered = Object.values(RATES).reduce((a, b) => a + b, 0)
  const perReader = ((RATES.reads + RATES.auditedWrites) / counts.readers) * 60
  const perAgent = (RATES.rounds / counts.runs) * 60
  console.log(
    `workload (open model, fixed arrival rate, ${offered} requests/s offered): ` +
      `${RATES.reads}/s reads of every list and of the console's first load, ${RATES.signIns}/s sign-ins ` +
      `(${counts.signers} users in turn), ${RATES.rounds}/s training round reports (${counts.runs} runs, ` +
      `each its own agent key), ${RATES.auditedWrites}/s audited writes (package labels, run annotations), ` +
      `${RATES.uploads}/s signed TGSP uploads (each verified)`,
  )
  console.log(
    `rate limits: the server's defaults stay on (${DEFAULT_RATE_LIMITS.principalPerMinute}/min per user or key, ` +
      `${DEFAULT_RATE_LIMITS.addressPerMinute}/min per address without credentials). The workload fits them as ` +
      `real clients would: reads and writes are spread over ${counts.readers} signed-in users ` +
      `(${perReader.toFixed(0)}/min each), rounds over ${counts.runs} agent keys (${perAgent.toFixed(0)}/min each), ` +
      `uploads ${RATES.uploads * 60}/min on one publisher key, sign-ins ${RATES.signIns * 60}/min from one address; ` +
      `every sign-in succeeds, so the failed-attempt throttle never charges`,
  )
}

export function printResult(r: LoadResult) {
  const errors = r.routes.reduce((n, route) => n + Object.values(route.errors).reduce((a, b) => a + b, 0), 0)
  console.log(
    `\nsent ${r.sent}, answered ${r.completed} in ${r.elapsedS.toFixed(1)} s: achieved ${(r.completed / r.elapsedS).toFixed(1)} ` +
      `requests/s of ${r.offeredPerSecond} offered; generator sent at most ${r.maxSendLagMs.toFixed(0)} ms late`,
  )
  console.log(`errors: ${errors}${errors === 0 ? ' (goal 0: met)' : ' (goal 0: MISSED)'}`)
  if (errors > 0) {
    const windows = new Map<number, number>()
    for (const at of r.errorAtS) windows.set(Math.floor(at / 30) * 30, (windows.get(Math.floor(at / 30) * 30) ?? 0) + 1)
    const spread = [...windows.entries()].sort((a, b) => a[0] - b[0]).map(([from, n]) => `${from}-${from + 30} s: ${n}`)
    console.log(`  errors by when they were meant to be sent: ${spread.join(', ')}`)
  }
  console.log(
    `\n${'route'.padEnd(52)} ${'count'.padStart(6)} ${'p50'.padStart(9)} ${'p99'.padStart(9)} ${'max'.padStart(9)}  errors`,
  )
  for (const route of [...r.routes].sort((a, b) => a.route.localeCompare(b.route))) {
    const failures = Object.entries(route.errors)
      .map(([what, n]) => `${n} x ${what}`)
      .join(', ')
    console.log(
      `${route.route.padEnd(52)} ${String(route.count).padStart(6)} ${ms(route.p50)} ${ms(route.p99)} ${ms(route.max)}  ${failures || '0'}`,
    )
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

/**
 * Memory over time, and its growth from the end of the warm-up to the end of the load: the median
 * of the samples in a window (a tenth of the run, at least 10 s) after the warm-up against the
 * median of the last window, so that one sample caught mid-collection does not decide it.
 */
export function printMemory(samples: MemorySample[], warmUpS: number, seconds: number) {
  const at = (t: number) =>
    samples.reduce((best, s) => (Math.abs(s.atS - t) < Math.abs(best.atS - t) ? s : best), samples[0]!)
  const step = Math.max(10, Math.round(seconds / 10))
  const timeline = []
  for (let t = 0; t <= seconds; t += step) timeline.push(`${t}s ${at(t).rssMb.toFixed(0)}`)
  console.log(`\nserver resident memory (MB, sampled every 2 s): ${timeline.join(', ')}`)
  const window = Math.max(10, seconds / 10)
  const within = (from: number, to: number) => samples.filter((s) => s.atS >= from && s.atS <= to).map((s) => s.rssMb)
  const warm = median(within(warmUpS, warmUpS + window))
  const last = median(within(seconds - window, seconds))
  const peak = Math.max(...samples.map((s) => s.rssMb))
  const first = samples[0]!
  const end = samples[samples.length - 1]!
  const cpu = ((end.cpuS - first.cpuS) / (end.atS - first.atS)) * 100
  const loads = samples.map((s) => s.load)
  console.log(
    `server CPU: ${cpu.toFixed(0)}% of one core on average over the load; machine load average (1 min) ` +
      `${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)} (median ${median(loads).toFixed(1)}) on ` +
      `${availableParallelism()} cores: other work on a shared machine takes CPU from the server`,
  )
  const growth = ((last - warm) / warm) * 100
  console.log(
    `  median ${warm.toFixed(0)} MB in the ${window.toFixed(0)} s after the warm-up (${warmUpS.toFixed(0)} s), ` +
      `${last.toFixed(0)} MB in the last ${window.toFixed(0)} s, peak ${peak.toFixed(0)} MB: growth ` +
      `${growth.toFixed(1)}% (goal < 10%: ${growth < 10 ? 'met' : 'MISSED'})`,
  )
}
