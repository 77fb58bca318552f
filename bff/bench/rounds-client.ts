/**
 * The training bench's agents, run as their own process (`node --import tsx`), so that the load
 * generator never shares the server's event loop or its CPU time: one closed loop per run, each
 * posting its run's rounds one after the other. Input: one JSON argument
 * `{ url, headers, runIds, perRun, steps }`; output: one JSON line `{ seconds, rounds }` on stdout.
 * Any answer but 201 ends it with an error.
 */
import { mixedRound } from './round-body'

type Input = { url: string; headers: Record<string, string>; runIds: string[]; perRun: number; steps: number }
const input = JSON.parse(process.argv[2] ?? '{}') as Input

async function agent(runId: string) {
  for (let index = 0; index < input.perRun; index++) {
    const res = await fetch(`${input.url}/api/v1/training/runs/${runId}/rounds`, {
      method: 'POST',
      headers: { ...input.headers, 'content-type': 'application/json' },
      body: JSON.stringify(mixedRound(index, input.steps)),
    })
    const text = await res.text()
    if (res.status !== 201) throw new Error(`round ${index} of ${runId}: ${res.status} ${text.slice(0, 300)}`)
  }
}

const started = performance.now()
await Promise.all(input.runIds.map(agent))
const seconds = (performance.now() - started) / 1000
process.stdout.write(`${JSON.stringify({ seconds, rounds: input.perRun * input.runIds.length })}\n`)
