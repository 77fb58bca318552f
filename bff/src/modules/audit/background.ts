import { queuedRecordCount } from './record'
import { appendedEntryCount } from './tree'

type Options = {
  /** A sequencing pass (`createSequencer`). */
  sequence: () => Promise<void>
  /** Cuts a checkpoint when one is due. */
  check: () => Promise<void>
  checkpointEvery: number
  /** How often the timer sweeps, and the longest a request's kick skips the checkpoint check. */
  checkEveryMs: number
  onError: (err: unknown) => void
}

/**
 * The audit log's work besides the writes: sequencing passes and checkpoint checks, after each
 * state-changing request (`kick`) and on a timer (`sweep`). Each costs statements on the
 * database's connections, so a request's kick does only what it may have made necessary: a pass
 * when this process queued a record since the last pass was asked for (a group-committed write is
 * in the log already), a check when enough entries were appended here since the last one, or the
 * timer's interval has passed. The timer does both whatever happened, which covers the records
 * and entries of other replicas.
 */
export function createBackgroundWork(options: Options) {
  let drainMark = -1
  let checkMark = 0
  let checkedAt = 0
  const drain = () => {
    drainMark = queuedRecordCount()
    return options.sequence()
  }
  const cutIfDue = () => {
    checkMark = appendedEntryCount()
    checkedAt = Date.now()
    return options.check()
  }
  const isCheckDue = () =>
    appendedEntryCount() - checkMark >= options.checkpointEvery || Date.now() - checkedAt >= options.checkEveryMs
  return {
    drain,
    cutIfDue,
    kick() {
      const isQueued = queuedRecordCount() !== drainMark
      if (!isQueued && !isCheckDue()) return
      void (isQueued ? drain() : Promise.resolve())
        .then(() => (isCheckDue() ? cutIfDue() : undefined))
        .catch(options.onError)
    },
    sweep() {
      void drain().then(cutIfDue).catch(options.onError)
    },
  }
}
