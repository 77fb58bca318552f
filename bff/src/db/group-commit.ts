import type { Db, Tx } from './client'
import { hasPgCode } from './client'

/**
 * Group commit: the transactions that arrive together (in the same turn of the event loop, or
 * while earlier batches run) run one after the other inside ONE database transaction,
 * and each caller is answered only after that transaction has committed.
 *
 * A member's work may run more than once (as a retried transaction's does): keep its effects in
 * the database. Members run without savepoints (a savepoint costs two more round trips a member),
 * so that a failing member does not take the others down:
 * - A member that throws ends the attempt: the batch transaction rolls back, that member gets its
 *   error (the answer of its work in that serial order), and the batch runs again without it.
 *   After MAX_REJECTS such rounds the remaining members run alone, one transaction each.
 * - A deadlock (40P01) or serialization failure (40001), which batching itself can cause by
 *   holding several members' row locks together, or any failure outside a member's work before
 *   the COMMIT is sent (connection lost, `beforeCommit`), runs every remaining member alone.
 * - When the COMMIT itself fails, the outcome is unknown (as for a lone transaction), and every
 *   member gets that error.
 *
 * `begin` and `beforeCommit` bracket each attempt: the audit log keeps the attempt's records in
 * memory (keyed by its transaction) and sequences them into the Merkle log just before COMMIT.
 */
export interface GroupCommit {
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>
}

export type GroupCommitOptions = {
  /** Most members in one batch transaction. */
  maxBatch?: number
  /**
   * How long a batch waits, from its first member, for others (0: the same turn of the event
   * loop). On PGlite, whose one connection runs every request's reads between batches, the
   * requests that arrive together reach their writes a little apart: a short window gathers them.
   */
  windowMs?: number
  /**
   * Most batches in flight, each on its own connection (1 by default, and on PGlite, whose one
   * connection runs one transaction at a time). Batches in flight run and commit in parallel: a
   * lock that every batch takes before its COMMIT (the audit head's) would make them take turns
   * through their COMMITs, so the audit writer then leaves the append to `afterCommit`.
   */
  maxInFlight?: number

  /** Called at the start of every attempt, with its transaction. */
  begin?: (tx: Tx) => void
  /** Runs last inside every attempt, after all its members succeeded. */
  beforeCommit?: (tx: Tx) => Promise<void>
  /**
   * Awaited after every COMMIT (a batch's, or a member's alone) before its members are answered:
   * the audit log sequences there the records that the batch queued. It must not throw: the
   * members' work has committed.
   */
  afterCommit?: () => Promise<void>
  /** Told the size of each batch that committed (metrics, tests). */
  onCommit?: (size: number) => void
}

type Member = {
  work: (tx: Tx) => Promise<unknown>
  resolve: (value: unknown) => void
  reject: (err: unknown) => void
}

export const GROUP_COMMIT_MAX_BATCH = 64
/** Members rejected from one batch before the rest run alone (bounds the re-runs). */
const MAX_REJECTS = 2

class MemberFailed extends Error {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {
    super('a group commit member failed')
  }
}

const isLockConflict = (err: unknown) => hasPgCode(err, '40P01') || hasPgCode(err, '40001')

export function createGroupCommit(db: Db, options: GroupCommitOptions = {}): GroupCommit {
  const maxBatch = options.maxBatch ?? GROUP_COMMIT_MAX_BATCH
  const queue: Member[] = []

  const afterCommit = options.afterCommit ?? (() => Promise.resolve())
  const alone = (member: Member) =>
    db.transaction(member.work).then(async (value) => {
      await afterCommit()
      member.resolve(value)
    }, member.reject)

  /** One attempt: true when it committed (every member answered), else the members left. */
  async function attempt(members: Member[], rejects: number): Promise<Member[] | null> {
    let isCommitting = false
    let values: unknown[]
    try {
      values = await db.transaction(async (tx) => {
        options.begin?.(tx)
        const out: unknown[] = []
        for (const [i, member] of members.entries()) {
          try {
            out.push(await member.work(tx))
          } catch (error) {
            throw new MemberFailed(i, error)
          }
        }
        await options.beforeCommit?.(tx)
        isCommitting = true
        return out
      })
    } catch (err) {
      if (isCommitting) {
        for (const member of members) member.reject(err)
        return null
      }
      if (err instanceof MemberFailed && !isLockConflict(err.error) && rejects < MAX_REJECTS) {
        members[err.index]!.reject(err.error)
        return members.filter((_, i) => i !== err.index)
      }
      for (const member of members) await alone(member)
      return null
    }
    options.onCommit?.(members.length)
    await afterCommit()
    members.forEach((member, i) => member.resolve(values[i]))
    return null
  }

  async function runBatch(members: Member[]) {
    let left: Member[] | null = members
    for (let rejects = 0; left && left.length > 0; rejects++) left = await attempt(left, rejects)
  }

  const maxInFlight = options.maxInFlight ?? 1
  let inFlight = 0
  let isGathering = false

  function start(members: Member[]) {
    inFlight += 1
    void runBatch(members).finally(() => {
      inFlight -= 1
      schedule()
    })
  }

  function schedule() {
    // The members that arrive in this turn of the event loop (or within the window) are shared
    // evenly between the free batch slots (up to `maxBatch` each); those that arrive later wait
    // for the next gathering, which starts at once while a slot is free, else when a batch ends.
    if (isGathering || inFlight >= maxInFlight || queue.length === 0) return
    isGathering = true
    const windowMs = options.windowMs ?? 0
    void new Promise<void>((resolve) => (windowMs > 0 ? setTimeout(resolve, windowMs) : setImmediate(resolve))).then(
      () => {
        isGathering = false
        const slots = maxInFlight - inFlight
        const size = Math.min(maxBatch, Math.ceil(queue.length / slots))
        for (let i = 0; i < slots && queue.length > 0; i++) start(queue.splice(0, size))
        schedule()
      },
    )
  }

  return {
    transaction<T>(work: (tx: Tx) => Promise<T>) {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject })
        schedule()
      })
    },
  }
}
