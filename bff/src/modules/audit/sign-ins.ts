import type { SignInEvent } from '@tg/contracts'
import { parseEntryText } from '@tg/contracts/formats/audit'
import type { auditLog, auditPending } from '../../db/schema'

type Queued = typeof auditPending.$inferSelect
type Logged = typeof auditLog.$inferSelect

function eventOf(
  id: string,
  at: Date,
  actorName: string | null,
  outcome: string,
  clientIp: string | null,
  details: unknown,
): SignInEvent {
  const d = (details ?? {}) as { username?: unknown; reason?: unknown }
  const reason = typeof d.reason === 'string' ? d.reason : null
  return {
    id,
    at: at.toISOString(),
    username: typeof d.username === 'string' ? d.username : (actorName ?? ''),
    outcome: outcome === 'success' ? 'success' : reason === 'throttled' ? 'throttled' : 'failure',
    clientIp,
    reason,
  }
}

/** Sign-in events from queued and sequenced records, newest first. */
export function signInEventsOf(
  { queued, logged }: { queued: Queued[]; logged: Logged[] },
  limit: number,
): SignInEvent[] {
  const events = [
    ...queued.map((r) => ({
      at: r.at,
      event: eventOf(`pending-${r.id}`, r.at, r.actorName, r.outcome, r.clientIp, r.details),
    })),
    ...logged.map((r) => {
      const parsed = parseEntryText(r.canonical)
      const body = parsed.ok ? parsed.body : null
      return {
        at: r.at,
        event: eventOf(String(r.seq), r.at, r.actorName, r.outcome, body?.clientIp ?? null, body?.details),
      }
    }),
  ]
  return events
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .slice(0, limit)
    .map((e) => e.event)
}
