// The audit verifier's Web Worker: checkpoint signatures, consistency, inclusion of every row
// shown and "verify everything" run here, off the main thread. It reaches the server only
// through the console's API client, so every response is parsed by its contract schema. "Verify
// everything" runs on a pool of nested workers, one per core.
import { getAuditEntryRoute, getConsistencyProofRoute, listAuditLeavesRoute } from '@tg/contracts'
import { api } from '@/shared/api'
import { serveRpc } from '@/shared/workers/rpc'
import type { RpcPort } from '@/shared/workers/rpc'
import { createReplayPool, replayWorkerCount } from '../verify/replay-pool'
import { createVerifier } from '../verify/session'

const spawnReplayWorker = () =>
  new Worker(new URL('./replay.worker.ts', import.meta.url), { type: 'module', name: 'audit-replay' })

const verifier = createVerifier({
  consistencyProof: async (from, to) =>
    (await api.request(getConsistencyProofRoute, { params: { query: { from, to } } })).hashes,
  leaves: (start, count, signal) => api.request(listAuditLeavesRoute, { params: { query: { start, count } }, signal }),
  entry: async (seq, treeSize, signal) =>
    (await api.request(getAuditEntryRoute, { params: { path: { seq }, query: { treeSize } }, signal })).entry,
  replayPool: () => createReplayPool(replayWorkerCount(navigator.hardwareConcurrency), spawnReplayWorker),
})

serveRpc(self as unknown as RpcPort, verifier)
