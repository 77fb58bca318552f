// How an evidence item reads in lists: a one-line summary by type from the server's summary
// object (benchmark and metrics, simulator and rates, site and trials, reviewer and verdict).
import type { EvidenceItem } from '@tg/contracts'

const VALUE = new Intl.NumberFormat('en', { maximumSignificantDigits: 4 })
const PERCENT = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 })
const COUNT = new Intl.NumberFormat('en')

const text = (value: unknown) => (typeof value === 'string' ? value : '')
const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null)
const count = (value: unknown) => (num(value) === null ? '?' : COUNT.format(num(value) as number))
const rate = (value: unknown) => (num(value) === null ? '?' : PERCENT.format(num(value) as number))

function metricsText(value: unknown): string {
  if (typeof value !== 'object' || value === null) return ''
  return Object.entries(value as Record<string, unknown>)
    .map(([name, v]) => `${name} ${num(v) === null ? '?' : VALUE.format(num(v) as number)}`)
    .join(', ')
}

/** "libero-long/test · 1,000 samples · success_rate 0.82", "approve by Grace", … */
export function summarizeEvidence(item: Pick<EvidenceItem, 'type' | 'summary'>): string {
  const s = item.summary as Record<string, unknown>
  switch (item.type) {
    case 'EVAL_RESULT':
      return `${text(s.benchmark)}/${text(s.split)} · ${count(s.n_samples)} samples · ${metricsText(s.metrics)}`
    case 'VLA_BENCHMARK':
      return `${text(s.benchmark)} ${text(s.suite)} · ${count(s.tasks)} tasks · ${count(s.n_samples)} samples · ${metricsText(s.metrics)}`
    case 'SIM_SUCCESS':
      return `${text(s.simulator)} ${text(s.scenario)} · ${count(s.episodes)} episodes · success ${rate(s.success_rate)} · collisions ${rate(s.collision_rate)}`
    case 'REAL_WORLD_VLD':
      return `${text(s.site)} · ${text(s.robot)} · ${count(s.trials)} trials · success ${rate(s.success_rate)} · ${count(s.incidents)} incidents`
    case 'PEER_REVIEW':
      return `${text(s.verdict)} by ${text(s.reviewer)}`
    default: {
      const unhandled: never = item.type
      return String(unhandled)
    }
  }
}

/** The audit trail filtered to the entry that recorded the ingest of this item. */
export function auditLinkOf(item: Pick<EvidenceItem, 'audit'>) {
  return { path: '/audit', query: { action: item.audit.action, resourceId: item.audit.resourceId } }
}
