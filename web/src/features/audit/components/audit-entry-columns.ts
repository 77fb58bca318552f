import type { DataTableColumns } from 'naive-ui'
import { h } from 'vue'
import { formatDateTime } from '@/shared/ui/format'
import { actorLabel, resourceLabel } from '../entry-rows'
import type { AuditRow } from '../entry-rows'
import type { VerificationState } from '../verify/types'

export const VERIFICATION_VIEW = {
  verified: { label: 'Verified', tone: 'success' },
  failed: { label: 'Failed', tone: 'error' },
  pending: { label: 'Pending', tone: 'default' },
} as const satisfies Record<VerificationState, { label: string; tone: string }>

export const OUTCOME_VIEW = {
  success: { label: 'Success', tone: 'success' },
  failure: { label: 'Failure', tone: 'error' },
  denied: { label: 'Denied', tone: 'warning' },
} as const

const UNREADABLE = 'Unreadable entry'

/**
 * A status badge as plain markup: the table renders thousands of these while scrolling, so they
 * avoid component instances (styles live in AuditEntryTable.vue).
 */
const badge = (value: string, view: { label: string; tone: string }) =>
  h(
    'span',
    { class: ['audit-badge', `is-${view.tone}`], 'data-testid': 'status-badge', 'data-status': value },
    view.label,
  )

/** Columns of the entries table; every value comes from the row's parsed canonical text. */
export function buildEntryColumns(options: {
  stateOf: (seq: number) => VerificationState
  onOpen: (seq: number) => void
}): DataTableColumns<AuditRow> {
  const { stateOf, onOpen } = options
  return [
    {
      key: 'seq',
      title: 'Seq',
      width: 90,
      render: (row) =>
        h(
          'button',
          { type: 'button', class: 'audit-seq', 'aria-label': `Open entry ${row.seq}`, onClick: () => onOpen(row.seq) },
          String(row.seq),
        ),
    },
    {
      key: 'time',
      title: 'Time',
      width: 190,
      ellipsis: true,
      render: (row) => (row.body ? formatDateTime(row.body.time) : UNREADABLE),
    },
    { key: 'actor', title: 'Actor', ellipsis: true, render: (row) => (row.body ? actorLabel(row.body) : '') },
    { key: 'action', title: 'Action', ellipsis: true, render: (row) => (row.body ? h('code', row.body.action) : '') },
    { key: 'resource', title: 'Resource', ellipsis: true, render: (row) => (row.body ? resourceLabel(row.body) : '') },
    {
      key: 'outcome',
      title: 'Outcome',
      width: 110,
      render: (row) => (row.body ? badge(row.body.outcome, OUTCOME_VIEW[row.body.outcome]) : ''),
    },
    {
      key: 'verification',
      title: 'Verification',
      width: 120,
      render: (row) => {
        const state = stateOf(row.seq)
        return badge(state, VERIFICATION_VIEW[state])
      },
    },
  ]
}
