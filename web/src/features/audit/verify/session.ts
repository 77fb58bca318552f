// The verifier's state between calls: one session per verified (or unverifiable) checkpoint.
// Rows and "verify everything" only ever use the root of a session whose checkpoint verified.
import type { AuditCheckpoint, AuditEntryRecord, AuditKeys } from '@tg/contracts'
import { fromBase64 } from '@tg/contracts/formats/audit'
import { verifyLog } from './log'
import { RowVerifier } from './rows'
import type { RowContext, TrustedRoot } from './rows'
import type { ConsistencyProofSource } from './consistency'
import { replayRangeSize } from './replay-pool'
import type { ReplayPool } from './replay-pool'
import { verifyAllLeaves } from './verify-all'
import type { LeafPage } from './verify-all'
import type {
  CheckpointMemory,
  LogVerification,
  RowBatchResult,
  RowInput,
  TrustMemory,
  VerifyAllProgress,
  VerifyAllResult,
} from './types'

/** How the verifier reaches the server (the worker passes the console's API client). */
export type VerifierSource = {
  consistencyProof: ConsistencyProofSource
  leaves: (start: number, count: number, signal: AbortSignal) => Promise<LeafPage>
  entry: (seq: number, treeSize: number, signal: AbortSignal) => Promise<AuditEntryRecord>
  /** Starts the workers of one "verify everything" run (without it, pages are verified in this thread). */
  replayPool?: () => ReplayPool
}

export type VerifyLogParams = {
  checkpoint: AuditCheckpoint
  keys: AuditKeys
  trust: TrustMemory | null
  remembered: CheckpointMemory | null
}

const KEPT_SESSIONS = 3

type Session = { id: number; verifier: RowVerifier; root: TrustedRoot | null }

function contextOf(log: LogVerification): { context: RowContext; root: TrustedRoot | null } {
  if (log.state === 'verified' && log.checkpoint) {
    const root = { treeSize: log.checkpoint.treeSize, rootHash: fromBase64(log.checkpoint.rootHash) }
    return { context: { kind: 'verified', root }, root }
  }
  if (log.state === 'failed')
    return {
      context: { kind: 'failed', reason: 'the checkpoint it is proven against failed verification.' },
      root: null,
    }
  const reason =
    log.state === 'untrusted'
      ? 'The newest checkpoint is signed by keys this browser does not trust yet.'
      : 'The newest checkpoint could not be checked for consistency yet.'
  return { context: { kind: 'unverified', reason }, root: null }
}

/** The verifier's methods, served by the worker (and called directly by tests). */
export function createVerifier(source: VerifierSource) {
  // The newest few sessions: a view that just started a new one may still finish an older call.
  const sessions = new Map<number, Session>()
  let nextId = 1

  const open = (verifier: RowVerifier, root: TrustedRoot | null) => {
    const id = nextId++
    sessions.set(id, { id, verifier, root })
    for (const old of sessions.keys()) if (sessions.size > KEPT_SESSIONS) sessions.delete(old)
    return id
  }
  const current = (id: number) => {
    const session = sessions.get(id)
    if (!session) throw new Error('This verification session has ended: reload the page.')
    return session
  }

  return {
    /** Verifies the newest checkpoint and opens the session that rows are verified in. */
    async verifyLog(params: VerifyLogParams): Promise<{ sessionId: number; log: LogVerification }> {
      const log = await verifyLog({ ...params, getConsistencyProof: source.consistencyProof })
      const { context, root } = contextOf(log)
      return { sessionId: open(new RowVerifier(context), root), log }
    },

    /** A session without any checkpoint yet: rows can only be pending (or failed by their text). */
    async openUnverified(params: { reason: string }): Promise<{ sessionId: number }> {
      return { sessionId: open(new RowVerifier({ kind: 'unverified', reason: params.reason }), null) }
    },

    async verifyRows(params: { sessionId: number; rows: RowInput[] }): Promise<RowBatchResult> {
      const started = performance.now()
      const results = current(params.sessionId).verifier.verify(params.rows)
      return { results, elapsedMs: performance.now() - started }
    },

    async verifyAll(
      params: { sessionId: number },
      context: { signal: AbortSignal; progress: (value: VerifyAllProgress) => void },
    ): Promise<VerifyAllResult> {
      const { root } = current(params.sessionId)
      if (!root) throw new Error('There is no verified checkpoint to verify the log against.')
      const common = {
        root,
        fetchEntry: (seq: number, signal: AbortSignal) => source.entry(seq, root.treeSize, signal),
        signal: context.signal,
        onProgress: context.progress,
      }
      if (!source.replayPool) return verifyAllLeaves({ ...common, fetchLeaves: source.leaves })
      const pool = source.replayPool()
      try {
        // Two ranges per worker in flight: each worker downloads its next range while it hashes one.
        const pageSize = replayRangeSize(root.treeSize, pool.size)
        return await verifyAllLeaves({ ...common, verifyRange: pool.verifyRange, pageSize, pagesAhead: 2 * pool.size })
      } finally {
        pool.close()
      }
    },
  }
}

export type Verifier = ReturnType<typeof createVerifier>
