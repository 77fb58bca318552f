import canonicalize from 'canonicalize'
import { and, eq, sql } from 'drizzle-orm'
import { ConnectorConfigSchema, SECRET_FIELDS } from '@tg/contracts'
import type {
  Connector,
  ConnectorCheckJob,
  ConnectorConfig,
  CreateConnectorBody,
  UpdateConnectorBody,
} from '@tg/contracts'
import type { Executor } from '../../db/client'
import { hasPgCode } from '../../db/client'
import { connectorChecks, integrationConnectors, integrationSecrets } from '../../db/schema'
import { AppError, conflict } from '../../lib/errors'
import type { AuditContext } from '../audit/record'
import { connectorSecretPurpose, last4, wakeWorkers } from './context'
import type { IntegrationsDeps } from './context'
import { loadConnector, requireConnector, toJob } from './repo'
import type { ConnectorRow } from './repo'

/** Splits a configuration into what is stored in clear and the credentials that are sealed. */
function split(config: Record<string, unknown>, kind: ConnectorRow['kind']) {
  const secrets = SECRET_FIELDS[kind]
  const pub: Record<string, unknown> = {}
  const creds: Record<string, string> = {}
  for (const [k, v] of Object.entries(config)) {
    if (secrets.includes(k)) {
      if (typeof v === 'string') creds[k] = v
    } else if (v !== undefined) pub[k] = v
  }
  return { pub, creds }
}

const actorName = (ctx: AuditContext) => ctx.actor.name ?? ctx.actor.type

async function setSecret(
  deps: IntegrationsDeps,
  tx: Executor,
  ctx: AuditContext,
  connectorId: string,
  field: string,
  value: string,
  action: 'integrations.secret.set' | 'integrations.secret.replaced',
) {
  const sealed = deps.sealer.seal(Buffer.from(value, 'utf8'), connectorSecretPurpose(connectorId, field))
  const shown = last4(value)
  await tx
    .insert(integrationSecrets)
    .values({ connectorId, field, sealed, last4: shown, setBy: actorName(ctx) })
    .onConflictDoUpdate({
      target: [integrationSecrets.connectorId, integrationSecrets.field],
      set: { sealed, last4: shown, setAt: sql`now()`, setBy: actorName(ctx) },
    })
  await deps.audit.record(tx, ctx, {
    action,
    resourceType: 'integration_connector',
    resourceId: connectorId,
    outcome: 'success',
    details: { field, last4: shown },
  })
}

/** Queues a check of the connector unless one is already queued or running; returns that job. */
export async function queueCheck(tx: Executor, connectorId: string, trigger: 'schedule' | 'manual') {
  await tx.execute(sql`
    insert into ${connectorChecks} (connector_id, trigger) values (${connectorId}, ${trigger})
    on conflict (connector_id) where state <> 'done' do nothing`)
  const [job] = await tx
    .select()
    .from(connectorChecks)
    .where(and(eq(connectorChecks.connectorId, connectorId), sql`${connectorChecks.state} <> 'done'`))
  if (!job) throw new Error('no open check job after queueing one')
  return job
}

const nameTaken = (name: string) => conflict(`A connector named "${name}" exists.`, { field: 'name' })

export async function createConnector(
  deps: IntegrationsDeps,
  ctx: AuditContext,
  body: CreateConnectorBody,
): Promise<Connector> {
  try {
    return await deps.db.transaction(async (tx) => {
      const { pub, creds } = split(body.config, body.config.kind)
      const [row] = await tx
        .insert(integrationConnectors)
        .values({
          name: body.name,
          kind: body.config.kind,
          enabled: body.enabled,
          config: pub,
          createdBy: actorName(ctx),
        })
        .returning()
      if (!row) throw new Error('insert returned no row')
      await deps.audit.record(tx, ctx, {
        action: 'integrations.connector.created',
        resourceType: 'integration_connector',
        resourceId: row.id,
        outcome: 'success',
        details: { name: row.name, kind: row.kind, enabled: row.enabled, config: pub, credentials: Object.keys(creds) },
      })
      for (const [field, value] of Object.entries(creds))
        await setSecret(deps, tx, ctx, row.id, field, value, 'integrations.secret.set')
      if (row.enabled) {
        await queueCheck(tx, row.id, 'manual')
        await wakeWorkers(deps, tx, 'checks')
      }
      return loadConnector(tx, row)
    })
  } catch (err) {
    if (hasPgCode(err, '23505')) throw nameTaken(body.name)
    throw err
  }
}

export async function updateConnector(
  deps: IntegrationsDeps,
  ctx: AuditContext,
  id: string,
  body: UpdateConnectorBody,
): Promise<Connector> {
  try {
    return await deps.db.transaction(async (tx) => {
      const row = await requireConnector(tx, id, true)
      const patch = body.config
      if (patch && patch.kind !== row.kind)
        throw new AppError('VALIDATION_FAILED', 'The kind of a connector cannot change: add a new connector.', {
          issues: [{ path: 'config.kind', message: `This connector is ${row.kind}.` }],
        })
      const existing = await tx.select().from(integrationSecrets).where(eq(integrationSecrets.connectorId, id))
      const secretFields = SECRET_FIELDS[row.kind]
      const pub: Record<string, unknown> = { ...(row.config as Record<string, unknown>) }
      const secretChanges: Record<string, string | null> = {}
      for (const [k, v] of Object.entries(patch ?? {})) {
        if (k === 'kind' || v === undefined) continue
        if (secretFields.includes(k)) secretChanges[k] = v
        else pub[k] = v
      }
      // The whole configuration after the change must be valid (a credential that stays set is
      // represented by a stand-in: its value is not needed to validate).
      const candidate: Record<string, unknown> = { ...pub }
      for (const field of secretFields) {
        const change = secretChanges[field]
        const isSet = change === undefined ? existing.some((s) => s.field === field) : change !== null
        if (isSet) candidate[field] = typeof change === 'string' ? change : 'kept'
      }
      const parsed = ConnectorConfigSchema.safeParse(candidate)
      if (!parsed.success)
        throw new AppError('VALIDATION_FAILED', 'The request is not valid.', {
          issues: parsed.error.issues.map((i) => ({
            path: ['config', ...i.path.map(String)].join('.'),
            message: i.message,
          })),
        })
      const nextPub = split(parsed.data as ConnectorConfig, row.kind).pub
      // jsonb keeps its own key order: compare canonical forms
      const configChanged = canonicalize(nextPub) !== canonicalize(row.config)
      const changes: Record<string, unknown> = {}
      if (body.name !== undefined && body.name !== row.name) changes.name = body.name
      if (body.enabled !== undefined && body.enabled !== row.enabled) changes.enabled = body.enabled
      if (configChanged) changes.config = nextPub
      const [updated] = await tx
        .update(integrationConnectors)
        .set({
          name: body.name ?? row.name,
          enabled: body.enabled ?? row.enabled,
          config: nextPub,
          updatedAt: sql`now()`,
        })
        .where(eq(integrationConnectors.id, id))
        .returning()
      if (!updated) throw new Error('update returned no row')
      if (Object.keys(changes).length > 0)
        await deps.audit.record(tx, ctx, {
          action: 'integrations.connector.updated',
          resourceType: 'integration_connector',
          resourceId: id,
          outcome: 'success',
          details: { name: updated.name, changes },
        })
      for (const [field, change] of Object.entries(secretChanges)) {
        if (change === null) {
          const removed = await tx
            .delete(integrationSecrets)
            .where(and(eq(integrationSecrets.connectorId, id), eq(integrationSecrets.field, field)))
            .returning()
          if (removed.length > 0)
            await deps.audit.record(tx, ctx, {
              action: 'integrations.secret.cleared',
              resourceType: 'integration_connector',
              resourceId: id,
              outcome: 'success',
              details: { field },
            })
        } else {
          const had = existing.some((s) => s.field === field)
          await setSecret(
            deps,
            tx,
            ctx,
            id,
            field,
            change,
            had ? 'integrations.secret.replaced' : 'integrations.secret.set',
          )
        }
      }
      if (updated.enabled && (configChanged || Object.keys(secretChanges).length > 0 || changes.enabled === true)) {
        await queueCheck(tx, id, 'manual')
        await wakeWorkers(deps, tx, 'checks')
      }
      return loadConnector(tx, updated)
    })
  } catch (err) {
    if (hasPgCode(err, '23505')) throw nameTaken(body.name ?? '')
    throw err
  }
}

export async function deleteConnector(deps: IntegrationsDeps, ctx: AuditContext, id: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const row = await requireConnector(tx, id, true)
    await tx.delete(integrationConnectors).where(eq(integrationConnectors.id, id))
    await deps.audit.record(tx, ctx, {
      action: 'integrations.connector.deleted',
      resourceType: 'integration_connector',
      resourceId: id,
      outcome: 'success',
      details: { name: row.name, kind: row.kind },
    })
  })
}

export async function requestCheck(deps: IntegrationsDeps, ctx: AuditContext, id: string): Promise<ConnectorCheckJob> {
  return deps.db.transaction(async (tx) => {
    const row = await requireConnector(tx, id, true)
    const job = await queueCheck(tx, id, 'manual')
    await deps.audit.record(tx, ctx, {
      action: 'integrations.connector.check_requested',
      resourceType: 'integration_connector',
      resourceId: id,
      outcome: 'success',
      details: { name: row.name, jobId: job.id },
    })
    await wakeWorkers(deps, tx, 'checks')
    return toJob(job)
  })
}
