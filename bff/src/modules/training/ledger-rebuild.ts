// Runs recorded before the ledger kept an RDP vector (migration 0006 adds it empty): their
// vector, projection and each round's epsilon are rebuilt once, at start-up before the server
// listens, by replaying the rounds in the order they were received in a worker thread. Each run
// is rebuilt under its row lock, so replicas starting together do it once; it is audited.
import { asc, eq, isNull, ne, or, sql } from 'drizzle-orm'
import { DEFAULT_ORDERS } from '@tg/contracts/privacy'
import type { Db, Tx } from '../../db/client'
import { trainingRounds, trainingRuns } from '../../db/schema'
import { SERVER_ACTOR } from '../audit/record'
import type { AuditLog } from '../audit/record'
import { perStepVector, rebuildLedger } from './accountant/pool'
import { epsilonOfRdp, finite, isCurrentRdp, orderOf, projectEpsilon } from './ledger'
import { findRunRow } from './repo'

/** Rounds' epsilons are written back in statements of this many rounds. */
const WRITE_BATCH = 5000

async function writeEpsilons(tx: Tx, runId: string, indices: number[], epsilons: number[]) {
  for (let start = 0; start < indices.length; start += WRITE_BATCH) {
    const part = JSON.stringify(
      indices.slice(start, start + WRITE_BATCH).map((index, k) => ({ i: index, e: finite(epsilons[start + k]!) })),
    )
    await tx.execute(sql`
      update ${trainingRounds} set epsilon_after = v.e
      from jsonb_to_recordset(${part}::jsonb) as v(i int, e float8)
      where ${trainingRounds.runId} = ${runId} and ${trainingRounds.index} = v.i`)
  }
}

async function rebuildRun(tx: Tx, audit: AuditLog, runId: string): Promise<boolean> {
  const run = await findRunRow(tx, runId, true)
  if (!run || isCurrentRdp(run.rdp)) return false
  const rounds = await tx
    .select({
      index: trainingRounds.index,
      steps: trainingRounds.steps,
      sampleRate: trainingRounds.sampleRate,
      noiseMultiplier: trainingRounds.noiseMultiplier,
    })
    .from(trainingRounds)
    .where(eq(trainingRounds.runId, runId))
    .orderBy(asc(trainingRounds.receivedAt), asc(trainingRounds.index))
  const [ledger, declared] = await Promise.all([rebuildLedger(rounds, run.delta), perStepVector(run)])
  await writeEpsilons(tx, runId, ledger.indices, ledger.epsilons)
  const after = epsilonOfRdp(ledger.rdp, run.delta)
  const epsilonSpent = rounds.length === 0 ? 0 : finite(after.epsilon)
  await tx
    .update(trainingRuns)
    .set({
      rdp: ledger.rdp,
      epsilonSpent,
      epsilonOrder: rounds.length === 0 ? null : orderOf(after.order),
      projectedEpsilon: projectEpsilon(ledger.rdp, declared, run),
    })
    .where(eq(trainingRuns.id, runId))
  await audit.record(
    tx,
    { actor: SERVER_ACTOR, requestId: null, clientIp: null },
    {
      action: 'training.ledger_rebuilt',
      resourceType: 'training_run',
      resourceId: runId,
      outcome: 'success',
      details: { name: run.name, rounds: rounds.length, epsilonSpentBefore: run.epsilonSpent, epsilonSpent },
    },
  )
  return true
}

/** Rebuilds every run whose ledger is missing (or of other orders); returns how many it rebuilt. */
export async function rebuildLedgers(db: Db, audit: AuditLog): Promise<number> {
  const stale = await db
    .select({ id: trainingRuns.id })
    .from(trainingRuns)
    .where(or(isNull(trainingRuns.rdp), ne(sql`cardinality(${trainingRuns.rdp})`, DEFAULT_ORDERS.length)))
  let rebuilt = 0
  for (const { id } of stale) if (await db.transaction((tx) => rebuildRun(tx, audit, id))) rebuilt++
  return rebuilt
}
