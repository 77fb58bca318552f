// The server checks its own log, on start and then on a schedule: every run first counts the
// rows against the head (cheap, catches a deletion anywhere), then rehashes only the rows this
// process has not verified yet (its pass, from entry 0 at start). A finding raises the shared
// alarm and restarts the pass, so that only a complete clean rehash can clear it.
import type { AuditIntegrity } from '@tg/contracts'
import type { Logger } from 'pino'
import type { Db } from '../../../db/client'
import { readHead } from '../tree'
import { raiseAlarm, readAlarm, recordCleanCheck } from './alarm'
import { checkContiguity } from './contiguity'
import type { Finding } from './finding'
import { freshPass, headFinding, rehashBatch } from './rehash'
import type { PassState } from './rehash'

/** Rows rehashed per query: about 30 ms of hashing, so the event loop is never held long. */
export const INTEGRITY_BATCH = 1000

export type IntegrityRun = {
  state: AuditIntegrity
  /** Rows rehashed by this run. */
  rows: number
  seconds: number
  /** The finding this run raised for the first time, if any. */
  newFinding: Finding | null
}

type Deps = {
  db: Db
  log: Logger
  /** A pass older than this starts again from entry 0 (rows changed below the watermark). */
  fullIntervalMs: number
  onRun?: (run: IntegrityRun) => void
  batchSize?: number
}

export function createIntegrityChecker({ db, log, fullIntervalMs, onRun, batchSize = INTEGRITY_BATCH }: Deps) {
  let pass: PassState = freshPass()
  let running: Promise<IntegrityRun> | null = null

  /** Rehashes from the pass's watermark up to `treeSize`; returns the first finding. */
  async function rehashTo(treeSize: number): Promise<{ finding: Finding | null; rows: number }> {
    const from = pass.size
    while (pass.size < treeSize) {
      const finding = await rehashBatch(db, pass, Math.min(pass.size + batchSize, treeSize))
      if (finding) return { finding, rows: pass.size - from }
    }
    if (pass.size !== treeSize) return { finding: null, rows: 0 }
    const head = await readHead(db)
    // The sequencer may have appended meanwhile: the head is compared when it has not moved.
    return { finding: head.treeSize === pass.size ? headFinding(pass, head) : null, rows: pass.size - from }
  }

  async function runOnce(): Promise<IntegrityRun> {
    const started = performance.now()
    const alarm = await readAlarm(db)
    // A finding raised (by any replica) after this pass began: only a new pass may clear it.
    if (alarm.finding && new Date(alarm.finding.detectedAt) >= pass.startedAt) pass = freshPass()
    if (Date.now() - pass.startedAt.getTime() >= fullIntervalMs) pass = freshPass()
    const contiguity = await checkContiguity(db)
    if (pass.size > contiguity.treeSize) pass = freshPass()
    const rehashed = contiguity.finding ? { finding: contiguity.finding, rows: 0 } : await rehashTo(contiguity.treeSize)
    let newFinding: Finding | null = null
    if (rehashed.finding) {
      if (await raiseAlarm(db, rehashed.finding, contiguity.treeSize)) newFinding = rehashed.finding
      pass = freshPass()
    } else if ((await recordCleanCheck(db, pass.size, pass.startedAt)) === 'cleared')
      log.warn({ treeSize: pass.size }, 'audit self-check: the log checks clean again; the alarm is cleared')
    if (newFinding) log.error({ finding: newFinding }, `audit self-check failed: ${newFinding.message}`)
    const run = {
      state: await readAlarm(db),
      rows: rehashed.rows,
      seconds: (performance.now() - started) / 1000,
      newFinding,
    }
    onRun?.(run)
    return run
  }

  /** Runs a check now (after the one in progress, if any) and answers its result. */
  async function check(): Promise<IntegrityRun> {
    if (running) await running.catch(() => undefined)
    running ??= runOnce().finally(() => {
      running = null
    })
    return running
  }

  /** Checks at once, then every `intervalMs`; a run still in progress makes a tick skip. */
  function start(intervalMs: number): () => void {
    const tick = () => {
      if (running) return
      check().catch((err: unknown) =>
        log.warn({ err: String(err) }, 'audit self-check could not run; retried next time'),
      )
    }
    tick()
    const timer = setInterval(tick, intervalMs)
    timer.unref()
    return () => clearInterval(timer)
  }

  return { check, start, state: () => readAlarm(db) }
}

export type IntegrityChecker = ReturnType<typeof createIntegrityChecker>
