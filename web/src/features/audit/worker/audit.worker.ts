// The audit verifier's Web Worker: checkpoint signatures, consistency, inclusion of every row
// shown and "verify everything" run here, off the main thread. It reaches the server only
// through the console's API client, so every response is parsed by its contract schema.
import { getAuditEntryRoute, getConsistencyProofRoute, listAuditLeavesRoute } from '@tg/contracts'
import { api } from '@/shared/api'
import { serveRpc } from '@/shared/workers/rpc'
import type { RpcPort } from '@/shared/workers/rpc'
import { createVerifier } from '../verify/session'

const verifier = createVerifier({
  consistencyProof: async (from, to) =>
    (await api.request(getConsistencyProofRoute, { params: { query: { from, to } } })).hashes,
  leaves: (start, count, signal) => api.request(listAuditLeavesRoute, { params: { query: { start, count } }, signal }),
  entry: async (seq, treeSize, signal) =>
    (await api.request(getAuditEntryRoute, { params: { path: { seq }, query: { treeSize } }, signal })).entry,
})

serveRpc(self as unknown as RpcPort, verifier)
