import { hostname } from 'node:os'
import { and, eq, sql } from 'drizzle-orm'
import type { ConnectorStatus } from '@tg/contracts'
import { connectorCheckResults, connectorChecks, integrationConnectors, integrationSecrets } from '../../db/schema'
import type { Executor } from '../../db/client'
import { SERVER_ACTOR } from '../audit/record'
import { runChecker } from './checkers'
import type { CheckOutcome } from './checkers'
import { connectorSecretPurpose, publish } from './context'
import type { IntegrationsDeps } from './context'
import { emit } from './emit'
import type { JobRow } from './repo'

type Rows<T> = { rows: T[] }

/** History kept per connector. */
export const HISTORY_MAX_AGE_DAYS = 30
export const HISTORY_MAX_ROWS = 1000
const CHECKS_PER_CLAIM = 4

export const workerId = () => `${hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`

/** Queues a scheduled check of every enabled connector that is due, and moves its next time on. */
export async function scheduleDueChecks(deps: IntegrationsDeps): Promise<number> {
  const intervalMs = deps.settings.checkIntervalMs
  const result = (await deps.db.execute(sql`
    with due as (
      update ${integrationConnectors} set next_check_at = now() + ${intervalMs} * interval '1 millisecond'
      where enabled and next_check_at <= now()
      returning id
    ), queued as (
      insert into ${connectorChecks} (connector_id, trigger) select id, 'schedule' from due
      on conflict (connector_id) where state <> 'done' do nothing
      returning 1
    )
    select count(*)::int as n from queued`)) as unknown as Rows<{ n: number }>
  return Number(result.rows[0]?.n ?? 0)
}

/**
 * Claims queued checks (and running ones whose lease ran out: their worker died). Row locks
 * with SKIP LOCKED let every replica claim at once without taking the same job.
 */
export async function claimChecks(deps: IntegrationsDeps, token: string, limit = CHECKS_PER_CLAIM): Promise<JobRow[]> {
  const leaseMs = deps.settings.checkTimeoutMs + 10_000
  const result = (await deps.db.execute(sql`
    update ${connectorChecks} set state = 'running', claimed_by = ${token},
      claim_expires_at = now() + ${leaseMs} * interval '1 millisecond'
    where id in (
      select id from ${connectorChecks}
      where state = 'queued' or (state = 'running' and claim_expires_at < now())
      order by requested_at
      limit ${limit}
      for update skip locked
    )
    returning id, connector_id as "connectorId", trigger, state, requested_at as "requestedAt"`)) as unknown as Rows<
    Pick<JobRow, 'id' | 'connectorId' | 'trigger' | 'state' | 'requestedAt'>
  >
  return result.rows.map((r) => ({
    ...r,
    requestedAt: new Date(r.requestedAt),
    claimedBy: token,
    claimExpiresAt: null,
    resultId: null,
    finishedAt: null,
  }))
}

/** Runs one claimed check and records it. */
export async function runCheckJob(deps: IntegrationsDeps, token: string, job: Pick<JobRow, 'id' | 'connectorId'>) {
  const [connector] = await deps.db
    .select()
    .from(integrationConnectors)
    .where(eq(integrationConnectors.id, job.connectorId))
  if (!connector) return
  const sealed = await deps.db.select().from(integrationSecrets).where(eq(integrationSecrets.connectorId, connector.id))
  let outcome: CheckOutcome
  try {
    const secrets: Record<string, string> = {}
    for (const s of sealed)
      secrets[s.field] = deps.sealer.open(s.sealed, connectorSecretPurpose(connector.id, s.field)).toString('utf8')
    outcome = await runChecker(
      { kind: connector.kind, config: connector.config as Record<string, unknown>, secrets },
      {
        egress: { policy: deps.settings.egress, lookup: deps.lookup },
        timeoutMs: deps.settings.checkTimeoutMs,
      },
    )
  } catch (err) {
    deps.log.warn({ err, connectorId: connector.id }, 'connector check failed unexpectedly')
    outcome = {
      status: 'unhealthy',
      reason: 'bad_response',
      message: 'The check could not run.',
      remediation: 'see the server log for this connector id',
      latencyMs: null,
      details: null,
    }
  }
  await recordCheck(deps, token, job.id, connector.id, outcome)
}

/** Stores a result; a change of status is audited, sent to webhooks and to live streams, all in one transaction. */
export async function recordCheck(
  deps: IntegrationsDeps,
  token: string,
  jobId: string,
  connectorId: string,
  outcome: CheckOutcome,
) {
  await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(integrationConnectors)
      .where(eq(integrationConnectors.id, connectorId))
      .for('update')
    if (!row) return
    const [result] = await tx
      .insert(connectorCheckResults)
      .values({
        connectorId,
        status: outcome.status,
        reason: outcome.reason,
        remediation: outcome.remediation,
        message: outcome.message,
        latencyMs: outcome.latencyMs,
        details: outcome.details,
      })
      .returning()
    if (!result) throw new Error('insert returned no row')
    await tx
      .update(connectorChecks)
      .set({ state: 'done', resultId: result.id, finishedAt: sql`now()`, claimExpiresAt: null })
      .where(and(eq(connectorChecks.id, jobId), eq(connectorChecks.claimedBy, token)))
    const previous = row.status as ConnectorStatus
    const changed = previous !== outcome.status
    await tx
      .update(integrationConnectors)
      .set({
        status: outcome.status,
        lastResultId: result.id,
        ...(changed ? { statusChangedAt: result.checkedAt } : {}),
        nextCheckAt: sql`now() + ${deps.settings.checkIntervalMs} * interval '1 millisecond'`,
      })
      .where(eq(integrationConnectors.id, connectorId))
    if (changed) {
      const ctx = { actor: SERVER_ACTOR, requestId: null, clientIp: null }
      const change = {
        name: row.name,
        kind: row.kind,
        previousStatus: previous,
        status: outcome.status,
        reason: outcome.reason,
        message: outcome.message,
        remediation: outcome.remediation,
      }
      await deps.audit.record(tx, ctx, {
        action: 'integrations.connector.status_changed',
        resourceType: 'integration_connector',
        resourceId: connectorId,
        outcome: 'success',
        details: change,
      })
      await emit(tx, 'integration.status_changed', {
        id: connectorId,
        ...change,
        checkedAt: result.checkedAt.toISOString(),
      })
    }
    await publish(deps, tx, {
      type: 'connector',
      connectorId,
      status: outcome.status,
      reason: outcome.reason,
      checkedAt: result.checkedAt.toISOString(),
    })
    await pruneHistory(tx, connectorId)
  })
}

async function pruneHistory(tx: Executor, connectorId: string) {
  const t = connectorCheckResults
  await tx.execute(sql`
    delete from ${t} where connector_id = ${connectorId} and (
      checked_at < now() - ${HISTORY_MAX_AGE_DAYS} * interval '1 day'
      or id in (select id from ${t} where connector_id = ${connectorId} order by checked_at desc, id desc offset ${HISTORY_MAX_ROWS})
    )`)
  await tx.execute(
    sql`delete from ${connectorChecks} where connector_id = ${connectorId} and state = 'done' and finished_at < now() - interval '1 day'`,
  )
}
