import { AUDIT_OUTCOMES } from '@tg/contracts/formats/audit'
import type { AuditFilter } from '@tg/contracts'
import type { LocationQuery } from 'vue-router'
import { oneOf, textOf, toLocationQuery } from '@/shared/ui/url-filters'

/** Filters of the audit entries, as kept in the URL (`?q=&actor=&action=&resourceType=&resourceId=&outcome=&from=&to=`). */
export type AuditFilters = {
  /** The search box: a sequence number, an entry hash, or a resource (`type:id` or id); see `search.ts`. */
  q?: string
  actor?: string
  action?: string
  resourceType?: string
  resourceId?: string
  outcome?: AuditFilter['outcome']
  /** ISO 8601 instants: entries at or after `from` and before `to`. */
  from?: string
  to?: string
}

/** An ISO instant from the URL, normalised; undefined when it is not a valid date. */
function instantOf(query: LocationQuery, key: string): string | undefined {
  const text = textOf(query, key, 40)
  if (!text) return undefined
  const time = Date.parse(text)
  return Number.isNaN(time) ? undefined : new Date(time).toISOString()
}

export function auditFiltersOf(query: LocationQuery): AuditFilters {
  return toLocationQuery({
    q: textOf(query, 'q', 200),
    actor: textOf(query, 'actor', 200),
    action: textOf(query, 'action', 100),
    resourceType: textOf(query, 'resourceType', 60),
    resourceId: textOf(query, 'resourceId', 200),
    outcome: oneOf(query, 'outcome', AUDIT_OUTCOMES),
    from: instantOf(query, 'from'),
    to: instantOf(query, 'to'),
  }) as AuditFilters
}
