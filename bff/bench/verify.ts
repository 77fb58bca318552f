/**
 * `pnpm bench` (verify-everything part): replays 100,000 audit entries (each checked for its
 * place and prevHash link, hashed and folded into the Merkle root) with the same `verifyChunk` /
 * `LogReplay` the console's Web Worker uses, on 1 worker and on a pool of workers.
 * Option: BENCH_VERIFY_ENTRIES.
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { LogReplay, canonicalEntryText, leafHash, merkleRoot, toHex } from '@tg/contracts/formats/audit'
import type { AuditEntryBody, ChunkResult } from '@tg/contracts/formats/audit'

const ENTRIES = Number(process.env.BENCH_VERIFY_ENTRIES ?? 100_000)

function makeLeaves(n: number): string[] {
  const encoder = new TextEncoder()
  const leaves: string[] = []
  let prev: string | null = null
  for (let seq = 0; seq < n; seq++) {
    const body: AuditEntryBody = {
      seq,
      time: new Date(Date.UTC(2026, 10, 1) + seq * 1000).toISOString(),
      actor: { type: 'user', id: '7f0b6c52-5a0e-4d3b-9a52-0c2f4f1e9d11', name: `operator${seq % 40}` },
      action: seq % 3 ? 'auth.sign_in' : 'admin.user_updated',
      resource: { type: 'user', id: `c1d2e3f4-${String(seq).padStart(4, '0')}-4abc-8def-0123456789ab` },
      outcome: seq % 11 ? 'success' : 'failure',
      requestId: `3b0e2d8c-${String(seq % 10000).padStart(4, '0')}-4f5e-9a8b-7c6d5e4f3a2b`,
      clientIp: '10.20.30.40',
      details: { username: `operator${seq % 40}`, roles: ['operator'] },
      prevHash: prev,
    }
    const text = canonicalEntryText(body)
    leaves.push(text)
    prev = toHex(leafHash(encoder.encode(text)))
  }
  return leaves
}

const CHUNK = 4096

type FromWorker = { type: 'loaded' } | { type: 'result'; id: number; result: ChunkResult }

/**
 * Verifies `leaves` as the console does: chunks of 4,096 leaves, each verified where it was
 * fetched (here: handed to the worker before the clock starts), joined in order into one replay.
 */
async function verifyEverything(leaves: string[], pool: Worker[]) {
  const workers = pool.length
  const results = new Map<number, (result: ChunkResult) => void>()
  let loaded = 0
  let onLoaded = () => {}
  for (const worker of pool)
    worker.removeAllListeners('message').on('message', (m: FromWorker) => {
      if (m.type === 'loaded') {
        loaded++
        onLoaded()
      } else results.get(m.id)?.(m.result)
    })
  const chunks: Array<Promise<ChunkResult>> = []
  for (let from = 0, id = 0; from < leaves.length; from += CHUNK, id++) {
    const slice = leaves.slice(from, from + CHUNK).map((canonical, i) => ({ seq: from + i, canonical }))
    chunks.push(new Promise((resolve) => results.set(id, resolve)))
    pool[id % workers]?.postMessage({ type: 'load', id, start: from, leaves: slice })
  }
  await new Promise<void>((resolve) => {
    onLoaded = () => loaded === chunks.length && resolve()
    onLoaded()
  })
  const start = performance.now()
  for (const worker of pool) worker.postMessage({ type: 'go' })
  const replay = new LogReplay()
  for (const chunk of chunks) replay.pushChunk(await chunk)
  const root = toHex(replay.root())
  return { ms: performance.now() - start, root, failure: replay.failure }
}

export async function runVerifyBench(): Promise<void> {
  const leaves = makeLeaves(ENTRIES)
  const bytes = leaves.reduce((n, l) => n + l.length, 0)
  const expected = toHex(merkleRoot(leaves.map((l) => leafHash(new TextEncoder().encode(l)))))
  console.log(`\nverify everything: ${ENTRIES} entries of ${(bytes / ENTRIES).toFixed(0)} bytes, in chunks of ${CHUNK}`)
  for (const workers of [1, Math.max(2, Math.min(4, availableParallelism()))]) {
    const pool = Array.from({ length: workers }, () => new Worker(new URL('./replay-worker.mjs', import.meta.url)))
    await verifyEverything(leaves.slice(0, 8 * CHUNK), pool) // warm-up of the workers' JIT
    const { ms, root, failure } = await verifyEverything(leaves, pool)
    await Promise.all(pool.map((w) => w.terminate()))
    if (failure || root !== expected) throw new Error(`replay failed: ${JSON.stringify(failure)} root ${root}`)
    const rate = (ENTRIES / ms) * 1000
    console.log(`  ${workers} worker(s): ${ms.toFixed(0)} ms, ${rate.toFixed(0)} entries/s (goal >= 100000)`)
  }
}
