import type { AuditSigningKey } from '@tg/contracts'
import { ALGORITHM_LABELS } from '@tg/contracts/formats/audit'
import type { DataTableColumns } from 'naive-ui'
import { h } from 'vue'
import StatusTag from '@/shared/ui/StatusTag.vue'
import { formatDateTime } from '@/shared/ui/format'

const STATUS_VIEW = {
  active: { label: 'Active', tone: 'success' },
  retired: { label: 'Retired', tone: 'default' },
} as const

/** Columns of the signing keys table: what to compare out of band and what to pin. */
export function buildKeyColumns(trustOf: (key: AuditSigningKey) => string): DataTableColumns<AuditSigningKey> {
  return [
    { key: 'algorithm', title: 'Algorithm', width: 110, render: (key) => ALGORITHM_LABELS[key.algorithm] },
    { key: 'keyId', title: 'Key id', width: 100, render: (key) => h('code', key.keyId) },
    {
      key: 'status',
      title: 'Status',
      width: 100,
      render: (key) => h(StatusTag, { value: key.status, ...STATUS_VIEW[key.status] }),
    },
    { key: 'trust', title: 'In this browser', width: 150, render: (key) => trustOf(key) },
    {
      key: 'fingerprint',
      title: 'Fingerprint (SHA-256) and verifier key',
      render: (key) =>
        h('div', { class: 'key-text' }, [
          h('code', { 'data-testid': 'audit-key-fingerprint' }, key.fingerprint),
          h('details', [
            h('summary', 'Verifier key (for TG_AUDIT_PINNED_KEYS)'),
            h('code', { class: 'verifier-key', 'data-testid': 'audit-verifier-key' }, key.verifierKey),
          ]),
        ]),
    },
    {
      key: 'dates',
      title: 'Created / retired',
      width: 200,
      render: (key) => `${formatDateTime(key.createdAt)}${key.retiredAt ? ` / ${formatDateTime(key.retiredAt)}` : ''}`,
    },
  ]
}
