// A client of the accountant bench in its own thread, so that its own work never runs on the
// server's event loop: `agent` posts the rounds one after another and times each report;
// `health` asks /healthz again and again until told to stop and times each answer.
import { parentPort, workerData } from 'node:worker_threads'

const { mode, url, headers, runId, rounds, pauseMs } = workerData

/** Wall-clock milliseconds, comparable between threads (each has its own performance.timeOrigin). */
const now = () => performance.timeOrigin + performance.now()

async function timed(path, init) {
  const started = performance.now()
  const res = await fetch(`${url}${path}`, init)
  const text = await res.text()
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${text.slice(0, 300)}`)
  return performance.now() - started
}

/** Round i: its own legal (sampling rate, noise) pair, never seen before in the run. */
function roundOf(index) {
  return {
    index,
    clients: 16,
    steps: 1,
    sampleRate: 0.01 * (1 - index / (rounds * 4)),
    noiseMultiplier: 1 + index / rounds,
    clippingNorm: 1,
    metrics: { loss: 1 / (index + 1), accuracy: 0.5 },
    startedAt: '2026-11-30T00:00:00.000Z',
    endedAt: '2026-11-30T00:01:00.000Z',
  }
}

async function agent() {
  const times = []
  const at = []
  for (let index = 0; index < rounds; index++) {
    at.push(now())
    times.push(
      await timed(`/api/v1/training/runs/${runId}/rounds`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(roundOf(index)),
      }),
    )
  }
  return { times, at, failures: 0 }
}

/** Asks /healthz until told to stop; a failed request is counted, not retried or timed. */
async function health() {
  let isStopped = false
  parentPort.once('message', () => (isStopped = true))
  const times = []
  const at = []
  let failures = 0
  while (!isStopped) {
    try {
      const started = now()
      times.push(await timed('/healthz', {}))
      at.push(started)
    } catch {
      failures++
    }
    await new Promise((resolve) => setTimeout(resolve, pauseMs))
  }
  return { times, at, failures }
}

parentPort.postMessage(mode === 'agent' ? await agent() : await health())
