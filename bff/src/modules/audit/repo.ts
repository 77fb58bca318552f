import { and, asc, desc, eq, gte, inArray, like, lt, or } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import type { AuditFilter } from '@tg/contracts'
import type { Executor } from '../../db/client'
import { auditLog, auditPending } from '../../db/schema'
import { decodeSeqCursor } from '../../lib/pagination'

export type LogRow = typeof auditLog.$inferSelect

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`)

/** The SQL conditions of an entry filter (on the copies of the canonical fields kept in columns). */
export function filterConditions(filter: AuditFilter): Array<SQL | undefined> {
  return [
    filter.actor ? or(eq(auditLog.actorName, filter.actor), eq(auditLog.actorId, filter.actor)) : undefined,
    filter.action
      ? filter.action.endsWith('.')
        ? like(auditLog.action, `${escapeLike(filter.action)}%`)
        : eq(auditLog.action, filter.action)
      : undefined,
    filter.resourceType ? eq(auditLog.resourceType, filter.resourceType) : undefined,
    filter.resourceId ? eq(auditLog.resourceId, filter.resourceId) : undefined,
    filter.outcome ? eq(auditLog.outcome, filter.outcome) : undefined,
    filter.from ? gte(auditLog.at, new Date(filter.from)) : undefined,
    filter.to ? lt(auditLog.at, new Date(filter.to)) : undefined,
  ]
}

/** A search for one entry: by its sequence number or its leaf hash (hex). */
export type EntrySearch = { seq?: number; hash?: string }

/** The query of `listEntries` (one row more than the page, to tell whether another follows). */
export function entriesQuery(
  ex: Executor,
  filter: AuditFilter,
  limit: number,
  cursor: string | undefined,
  search: EntrySearch = {},
) {
  const before = decodeSeqCursor(cursor)
  return ex
    .select()
    .from(auditLog)
    .where(
      and(
        ...filterConditions(filter),
        search.seq === undefined ? undefined : eq(auditLog.seq, search.seq),
        search.hash === undefined ? undefined : eq(auditLog.leafHash, Buffer.from(search.hash, 'hex')),
        before === undefined ? undefined : lt(auditLog.seq, before),
      ),
    )
    .orderBy(desc(auditLog.seq))
    .limit(limit + 1)
}

/** A page of entries, newest first, in the stable order of their sequence numbers. */
export async function listEntries(
  ex: Executor,
  filter: AuditFilter,
  limit: number,
  cursor: string | undefined,
  search: EntrySearch = {},
) {
  const rows = await entriesQuery(ex, filter, limit, cursor, search)
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return { rows: page, nextCursor: rows.length > limit && last ? String(last.seq) : null }
}

export async function findEntry(ex: Executor, seq: number): Promise<LogRow | undefined> {
  const [row] = await ex.select().from(auditLog).where(eq(auditLog.seq, seq))
  return row
}

export async function listLeaves(ex: Executor, start: number, count: number) {
  return ex
    .select({ seq: auditLog.seq, canonical: auditLog.canonical })
    .from(auditLog)
    .where(and(gte(auditLog.seq, start), lt(auditLog.seq, start + count)))
    .orderBy(asc(auditLog.seq))
}

export async function exportEntries(ex: Executor, filter: AuditFilter, fromSeq: number, toSeq: number, max: number) {
  return ex
    .select()
    .from(auditLog)
    .where(and(...filterConditions(filter), gte(auditLog.seq, fromSeq), lt(auditLog.seq, toSeq)))
    .orderBy(asc(auditLog.seq))
    .limit(max + 1)
}

/** The newest records of one action, sequenced or still queued, newest first. */
export async function recentOfActions(ex: Executor, actions: readonly string[], limit: number) {
  const [queued, logged] = await Promise.all([
    ex
      .select()
      .from(auditPending)
      .where(inArray(auditPending.action, [...actions]))
      .orderBy(desc(auditPending.id))
      .limit(limit),
    ex
      .select()
      .from(auditLog)
      .where(inArray(auditLog.action, [...actions]))
      .orderBy(desc(auditLog.seq))
      .limit(limit),
  ])
  return { queued, logged }
}

/** Every sequenced entry of one action, oldest first. */
export async function entriesOfAction(ex: Executor, action: string) {
  return ex.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(asc(auditLog.seq))
}
