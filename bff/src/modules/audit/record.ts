import { sql } from 'drizzle-orm'
import type { Executor, Tx } from '../../db/client'
import { auditPending } from '../../db/schema'
import type { AppEnv, Principal } from '../../lib/context'
import type { Context } from 'hono'

export type AuditActor = { type: 'user' | 'api_key' | 'anonymous' | 'system'; id: string | null; name: string | null }
export type AuditContext = { actor: AuditActor; requestId: string | null; clientIp: string | null }
export type AuditOutcome = 'success' | 'failure' | 'denied'

export type AuditEvent = {
  action: string
  resourceType: string
  resourceId?: string | null
  outcome: AuditOutcome
  details?: Record<string, unknown>
}

export const SIGN_IN_ACTION = 'auth.sign_in'
/** The first admin's setup, which opens that admin's first session: a sign-in too. */
export const SETUP_ACTION = 'auth.setup_completed'
/** Single sign-on: a session opened, or refused (with the reason), after the provider's answer. */
export const OIDC_SIGN_IN_ACTION = 'auth.oidc.sign_in'
export const OIDC_REFUSED_ACTION = 'auth.oidc.refused'
/** A user's roles changed outside the admin pages (the provider's groups at a sign-in). */
export const ROLES_CHANGED_ACTION = 'user.roles.changed'
/** The actions that open (or try to open) a session, listed as the dashboard's recent sign-ins. */
export const SESSION_OPENING_ACTIONS = [SIGN_IN_ACTION, SETUP_ACTION, OIDC_SIGN_IN_ACTION, OIDC_REFUSED_ACTION] as const

/**
 * The one audit interface of the platform. `record` takes the executor of the caller's
 * transaction, so an audit entry commits or rolls back together with the change it describes.
 * The sequencer then hashes committed records, in order, into the Merkle log.
 */
export interface AuditLog {
  record(tx: Executor, ctx: AuditContext, event: AuditEvent): Promise<void>
}

/**
 * The audit log of the running server: it also runs a state change with its audit records as a
 * member of a group commit (db/group-commit.ts): the changes that arrive together share one
 * transaction and one Merkle tree update, each in its own savepoint, and each resolves only
 * after that transaction commits, its records already in the log.
 */
export interface AuditWriter extends AuditLog {
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>
}

const SECRET_KEY = /password|secret|token|authorization|cookie/i

/** Replaces the values of secret-looking keys, at every depth, before details are stored. */
export function redactDetails(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactDetails)
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[REDACTED]' : redactDetails(v)]),
    )
  }
  return value
}

export function actorOf(principal: Principal | undefined): AuditActor {
  if (!principal) return { type: 'anonymous', id: null, name: null }
  return principal.kind === 'user'
    ? { type: 'user', id: principal.id, name: principal.username }
    : { type: 'api_key', id: principal.id, name: `${principal.name} (${principal.prefix})` }
}

export function auditContextOf(c: Context<AppEnv>, actor?: AuditActor): AuditContext {
  return { actor: actor ?? actorOf(c.var.principal), requestId: c.var.requestId, clientIp: c.var.clientIp }
}

export const SYSTEM_ACTOR: AuditActor = { type: 'system', id: null, name: 'tgctl' }
/** The server itself (for example when it makes its first audit signing keys). */
export const SERVER_ACTOR: AuditActor = { type: 'system', id: null, name: 'tg-bff' }

/** Records written to the queue by this process since it started (committed or not). */
let queuedHere = 0
/** A count that changes whenever this process writes a record to the queue (see `kick`). */
export const queuedRecordCount = () => queuedHere

/** Writes the record into the caller's transaction (the sequencing queue). */
export async function recordAuditEvent(tx: Executor, ctx: AuditContext, event: AuditEvent): Promise<void> {
  queuedHere += 1
  // A plain statement: this runs in every state-changing transaction, so it stays cheap.
  const details = JSON.stringify(redactDetails(event.details ?? {}))
  await tx.execute(sql`
    insert into ${auditPending} (actor_type, actor_id, actor_name, action, resource_type, resource_id, outcome, request_id, client_ip, details)
    values (${ctx.actor.type}, ${ctx.actor.id}, ${ctx.actor.name}, ${event.action}, ${event.resourceType}, ${event.resourceId ?? null},
      ${event.outcome}, ${ctx.requestId}, ${ctx.clientIp}, ${details}::jsonb)`)
}

/**
 * A record as a group commit holds it in memory until its batch is sequenced: the same fields and
 * the same redacted details, passed through JSON as the queue's jsonb column would.
 */
export function heldRecordOf(ctx: AuditContext, event: AuditEvent) {
  return {
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    actorName: ctx.actor.name,
    action: event.action,
    resourceType: event.resourceType,
    resourceId: event.resourceId ?? null,
    outcome: event.outcome,
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
    details: JSON.parse(JSON.stringify(redactDetails(event.details ?? {}))) as unknown,
  }
}

export const auditLogOf = (): AuditLog => ({ record: recordAuditEvent })
