/**
 * The load generator of `pnpm bench:load`, in its own process (never on the server's event loop).
 * Open model: each stream sends its k-th request at t0 + k / rate whether or not earlier ones
 * have answered, and a request's latency runs from that intended time (a late send counts against
 * the server, not hidden by the generator). Reads the plan (load-seed.ts) from the file named by
 * its first argument and writes its figures as JSON to the plan's result file.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { RATES } from './load-plan'
import type { LoadPlan, LoadResult, RouteResult } from './load-plan'
import { mixedRound } from './round-body'

type Shot = { route: string; path: string; init: RequestInit }
type Stream = { perSecond: number; shot: (k: number) => Shot }

const TIMEOUT_MS = 30_000

function streamsOf(plan: LoadPlan, uploads: Uint8Array[]): Stream[] {
  const reader = (k: number) => plan.readers[k % plan.readers.length]!
  const withSession = (k: number, init: RequestInit = {}): RequestInit => {
    const s = reader(k)
    return {
      ...init,
      headers: {
        origin: plan.url,
        cookie: `tg_session=${s.cookie}`,
        'x-csrf-token': s.csrf,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
    }
  }
  const run0 = plan.runs[0]!.id
  const reads: [string, string][] = [
    ['GET /api/v1/admin/users', '/api/v1/admin/users?limit=50'],
    ['GET /api/v1/admin/api-keys', '/api/v1/admin/api-keys?limit=50'],
    ['GET /api/v1/dashboard/overview', '/api/v1/dashboard/overview'],
    ['GET /api/v1/audit/entries', '/api/v1/audit/entries?limit=50'],
    ['GET /api/v1/audit/checkpoints', '/api/v1/audit/checkpoints?limit=50'],
    ['GET /api/v1/audit/keys/rotations', '/api/v1/audit/keys/rotations'],
    ['GET /api/v1/tgsp/packages', '/api/v1/tgsp/packages?limit=50'],
    ['GET /api/v1/tgsp/publishers', '/api/v1/tgsp/publishers'],
    ['GET /api/v1/tgsp/fleets', '/api/v1/tgsp/fleets'],
    ['GET /api/v1/tgsp/channels', '/api/v1/tgsp/channels'],
    ['GET /api/v1/tgsp/releases', '/api/v1/tgsp/releases'],
    ['GET /api/v1/training/runs', '/api/v1/training/runs?limit=50'],
    ['GET /api/v1/training/runs/{id}/rounds', `/api/v1/training/runs/${run0}/rounds`],
    ['GET /api/v1/fedmoe/experts', '/api/v1/fedmoe/experts'],
    ['GET /api/v1/integrations/connectors', '/api/v1/integrations/connectors'],
    ['GET /api/v1/integrations/webhooks', '/api/v1/integrations/webhooks'],
    ['GET / (console index.html)', '/'],
    ...(plan.entryAsset ? ([['GET console entry script', plan.entryAsset]] as [string, string][]) : []),
  ]
  const json = (method: string, body: unknown, k: number) => withSession(k, { method, body: JSON.stringify(body) })
  return [
    {
      perSecond: RATES.reads,
      shot: (k) => {
        const [route, path] = reads[k % reads.length]!
        return { route, path, init: withSession(Math.floor(k / reads.length)) }
      },
    },
    {
      perSecond: RATES.signIns,
      shot: (k) => ({
        route: 'POST /api/v1/auth/sign-in',
        path: '/api/v1/auth/sign-in',
        init: {
          method: 'POST',
          headers: { origin: plan.url, 'content-type': 'application/json' },
          body: JSON.stringify(plan.signers[k % plan.signers.length]),
        },
      }),
    },
    {
      perSecond: RATES.rounds,
      shot: (k) => {
        const run = plan.runs[k % plan.runs.length]!
        const index = Math.floor(k / plan.runs.length)
        const body = mixedRound(index, 1)
        return {
          route: 'POST /api/v1/training/runs/{id}/rounds (agent key)',
          path: `/api/v1/training/runs/${run.id}/rounds`,
          init: {
            method: 'POST',
            headers: { authorization: `Bearer ${run.agentKey}`, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          },
        }
      },
    },
    {
      perSecond: RATES.auditedWrites,
      shot: (k) =>
        k % 2 === 0
          ? {
              route: 'PUT /api/v1/tgsp/packages/{id}/labels',
              path: `/api/v1/tgsp/packages/${plan.packageIds[(k / 2) % plan.packageIds.length]}/labels`,
              init: json('PUT', { labels: ['env=load', `rev=${k}`] }, k),
            }
          : {
              route: 'PATCH /api/v1/training/runs/{id}/annotations',
              path: `/api/v1/training/runs/${plan.runs[Math.floor(k / 2) % plan.runs.length]!.id}/annotations`,
              init: json('PATCH', { tags: ['load', `rev=${k}`], note: `Load revision ${k}.` }, k),
            },
    },
    {
      perSecond: RATES.uploads,
      shot: (k) => ({
        route: 'POST /api/v1/tgsp/packages (upload + verify)',
        path: '/api/v1/tgsp/packages',
        init: {
          method: 'POST',
          headers: { authorization: `Bearer ${plan.publisherKey}`, 'content-type': 'application/octet-stream' },
          body: uploads[k % uploads.length],
        },
      }),
    },
  ]
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

async function errorOf(res: Response): Promise<string> {
  const text = await res.text()
  try {
    const code = (JSON.parse(text) as { error?: { code?: string } }).error?.code
    return `${res.status} ${code ?? '-'}`
  } catch {
    return `${res.status} (not JSON)`
  }
}

async function main() {
  const plan = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LoadPlan
  const uploads = plan.uploads.map((f) => new Uint8Array(readFileSync(f)))
  const streams = streamsOf(plan, uploads)
  const latencies = new Map<string, number[]>()
  const errors = new Map<string, Record<string, number>>()
  const inFlight = new Set<Promise<void>>()
  let sent = 0
  let completed = 0
  let maxLag = 0
  let lastAnswer = 0
  /** When each failed request was meant to be sent, in seconds from the start. */
  const errorAtS: number[] = []

  const fire = (shot: Shot, intended: number) => {
    const lag = performance.now() - intended
    if (lag > maxLag) maxLag = lag
    sent++
    const p = (async () => {
      let failure: string | null = null
      try {
        const res = await fetch(`${plan.url}${shot.path}`, { ...shot.init, signal: AbortSignal.timeout(TIMEOUT_MS) })
        if (res.status >= 400) failure = await errorOf(res)
        else await res.arrayBuffer()
      } catch (err) {
        const e = err as Error & { cause?: { code?: string; message?: string } }
        failure = `0 ${e.name === 'TimeoutError' ? 'TIMEOUT' : `${e.message} (${e.cause?.code ?? e.cause?.message ?? '-'})`}`
      }
      const now = performance.now()
      lastAnswer = now
      completed++
      if (!latencies.has(shot.route)) latencies.set(shot.route, [])
      latencies.get(shot.route)!.push(now - intended)
      if (failure) {
        errorAtS.push((intended - t0) / 1000)
        const byCode = errors.get(shot.route) ?? {}
        byCode[failure] = (byCode[failure] ?? 0) + 1
        errors.set(shot.route, byCode)
      }
    })()
    inFlight.add(p)
    void p.finally(() => inFlight.delete(p))
  }

  const t0 = performance.now() + 100
  const end = t0 + plan.seconds * 1000
  // Streams start out of phase so that their sends do not all fall on the same tick.
  const state = streams.map((s, i) => ({ ...s, k: 0, nextAt: t0 + (i * 1000) / (s.perSecond * streams.length) }))
  await new Promise<void>((done) => {
    const tick = setInterval(() => {
      const now = performance.now()
      for (const s of state)
        while (s.nextAt <= now && s.nextAt < end) {
          fire(s.shot(s.k), s.nextAt)
          s.k++
          s.nextAt = t0 + (s.k * 1000) / s.perSecond
        }
      if (state.every((s) => s.nextAt >= end)) {
        clearInterval(tick)
        done()
      }
    }, 2)
  })
  while (inFlight.size > 0) await Promise.all([...inFlight])

  const routes: RouteResult[] = [...latencies.entries()].map(([route, times]) => {
    const sorted = times.sort((a, b) => a - b)
    return {
      route,
      count: sorted.length,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1] ?? 0,
      errors: errors.get(route) ?? {},
    }
  })
  const result: LoadResult = {
    seconds: plan.seconds,
    offeredPerSecond: Object.values(RATES).reduce((a, b) => a + b, 0),
    sent,
    completed,
    elapsedS: (lastAnswer - t0) / 1000,
    maxSendLagMs: maxLag,
    routes,
    errorAtS,
  }
  writeFileSync(plan.resultFile, JSON.stringify(result))
}

await main()
