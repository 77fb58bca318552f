import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const { PGlite } = require('@electric-sql/pglite')
const counts = new Map<string, number>()
let counting = false
for (const m of ['query', 'exec']) {
  const orig = PGlite.prototype[m]
  PGlite.prototype[m] = function (q: string, ...rest: unknown[]) {
    if (counting) { const k = String(q).replace(/\s+/g, ' ').slice(0, 90); counts.set(k, (counts.get(k) ?? 0) + 1) }
    return orig.call(this, q, ...rest)
  }
}
const { startBff } = await import('./http')
const { mkdtempSync } = await import('node:fs')
const bff = await startBff({ kind: 'pglite', dir: mkdtempSync('/tmp/pw-dbg2-') })
const post = async (path: string, body: unknown) => {
  const res = await fetch(`${bff.url}${path}`, { method: 'POST', headers: { ...bff.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (res.status >= 300) throw new Error(await res.text())
  return (await res.json()) as { id: string }
}
const run = await post('/api/v1/training/runs', { name: 'x', baseModel: 'b', adapter: {}, plannedRounds: 100, stepsPerRound: 10, dp: { noiseMultiplier: 1.1, clippingNorm: 1, sampleRate: 0.001, delta: 1e-5, epsilonBudget: 1000 } })
await new Promise((r) => setTimeout(r, 1500))
counting = true
const N = 20
const t = performance.now()
for (let index = 0; index < N; index++)
  await post(`/api/v1/training/runs/${run.id}/rounds`, { index, clients: 16, steps: 10, sampleRate: 0.001, noiseMultiplier: 1.1, clippingNorm: 1, metrics: { loss: 1 }, startedAt: '2026-11-30T00:00:00.000Z', endedAt: '2026-11-30T00:01:00.000Z' })
console.log('ms per round', ((performance.now() - t) / N).toFixed(1))
counting = false
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) console.log((v / N).toFixed(2), k)
await bff.stop()
