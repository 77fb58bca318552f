// Worker thread of the verify-everything benchmark. It is handed its chunks first (as if it had
// fetched them), then verifies them all on "go" and sends back the small chunk results.
import { parentPort } from 'node:worker_threads'
import { verifyChunk } from '@tg/contracts/formats/audit'
import type { ReplayLeaf } from '@tg/contracts/formats/audit'

const chunks: Array<{ id: number; start: number; leaves: ReplayLeaf[] }> = []
parentPort?.on(
  'message',
  (message: { type: 'load'; id: number; start: number; leaves: ReplayLeaf[] } | { type: 'go' }) => {
    if (message.type === 'load') {
      chunks.push(message)
      parentPort?.postMessage({ type: 'loaded' })
      return
    }
    for (const chunk of chunks.splice(0))
      parentPort?.postMessage({ type: 'result', id: chunk.id, result: verifyChunk(chunk.start, chunk.leaves) })
  },
)
