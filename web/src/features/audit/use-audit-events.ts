// Live audit updates: an `entries` event (entries were appended to the log) marks the newest
// checkpoint stale; the entries shown are proven against it, so a new checkpoint brings the new
// entries and their proofs.
import { AuditEventSchema, auditEventsRoute } from '@tg/contracts'
import { useLiveQueries } from '@/shared/api'
import { auditKeys } from './queries'

/** Subscribes while the calling component lives. */
export function useAuditEvents() {
  return useLiveQueries(auditEventsRoute, () => ({}), {
    events: ['entries'],
    schema: AuditEventSchema,
    keysFor: () => [auditKeys.latestCheckpoint()],
    allKey: auditKeys.all,
  })
}
