// The entry filter as an export bundle states it, and the test every included entry must pass.
// The server selects with SQL over copies of these fields; this is the same rule over the
// canonical entry, so a verifier can check that what a bundle includes matches what it claims.
import { z } from 'zod'
import { AUDIT_OUTCOMES } from './entry'
import type { AuditEntryBody } from './entry'

const Timestamp = z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'Expected a timestamp.')

export const AuditEntryFilterSchema = z
  .object({
    /** Actor name or id, exact. */
    actor: z.string().min(1).optional(),
    /** Action, or a prefix ending in "." (e.g. "auth."). */
    action: z.string().min(1).optional(),
    resourceType: z.string().min(1).optional(),
    resourceId: z.string().min(1).optional(),
    outcome: z.enum(AUDIT_OUTCOMES).optional(),
    /** Entries at or after this time. */
    from: Timestamp.optional(),
    /** Entries before this time. */
    to: Timestamp.optional(),
  })
  .strict()
export type AuditEntryFilter = z.infer<typeof AuditEntryFilterSchema>

const FILTER_KEYS = ['actor', 'action', 'resourceType', 'resourceId', 'outcome', 'from', 'to'] as const

/** The filter without empty fields, or null when nothing is filtered. */
export function normalizeFilter(filter: Partial<Record<keyof AuditEntryFilter, string | undefined>>) {
  const entries = FILTER_KEYS.flatMap((key) => (filter[key] ? [[key, filter[key]] as const] : []))
  return entries.length === 0 ? null : (Object.fromEntries(entries) as AuditEntryFilter)
}

/** Whether an entry passes the filter (the rule the server's SQL applies to its columns). */
export function matchesFilter(body: AuditEntryBody, filter: AuditEntryFilter): boolean {
  const { actor, action, resourceType, resourceId, outcome, from, to } = filter
  if (actor !== undefined && body.actor.name !== actor && body.actor.id !== actor) return false
  if (action !== undefined && (action.endsWith('.') ? !body.action.startsWith(action) : body.action !== action))
    return false
  if (resourceType !== undefined && body.resource.type !== resourceType) return false
  if (resourceId !== undefined && body.resource.id !== resourceId) return false
  if (outcome !== undefined && body.outcome !== outcome) return false
  const time = Date.parse(body.time)
  if (from !== undefined && !(time >= Date.parse(from))) return false
  if (to !== undefined && !(time < Date.parse(to))) return false
  return true
}

/** "action=auth., outcome=failure" */
export function describeFilter(filter: AuditEntryFilter): string {
  return FILTER_KEYS.flatMap((key) => (filter[key] === undefined ? [] : [`${key}=${filter[key]}`])).join(', ')
}
