import type { Publisher } from '@tg/contracts'
import { NButton } from 'naive-ui'
import type { DataTableColumns } from 'naive-ui'
import { h } from 'vue'
import { RouterLink } from 'vue-router'
import StatusTag from '@/shared/ui/StatusTag.vue'
import { formatDateTime } from '@/shared/ui/format'
import { PUBLISHER_STATUS_VIEW } from '../status-views'

/** Columns of the publishers table; the revoke button is named after its publisher ("Revoke Acme"). */
export function buildPublisherColumns(options: {
  canRevoke: boolean
  onRevoke: (publisher: Publisher) => void
}): DataTableColumns<Publisher> {
  const columns: DataTableColumns<Publisher> = [
    { key: 'name', title: 'Name', render: (p) => p.name },
    {
      key: 'fingerprint',
      title: 'Fingerprint (SHA-256)',
      render: (p) => h('code', { class: 'fingerprint', 'data-testid': 'publisher-fingerprint' }, p.fingerprint),
    },
    {
      key: 'status',
      title: 'Status',
      render: (p) => h(StatusTag, { value: p.status, ...PUBLISHER_STATUS_VIEW[p.status] }),
    },
    {
      key: 'packages',
      title: 'Packages',
      render: (p) =>
        p.packages > 0
          ? h(
              RouterLink,
              {
                to: { path: '/marketplace', query: { publisher: p.id } },
                'aria-label': `${p.packages} packages of ${p.name}`,
              },
              () => String(p.packages),
            )
          : '0',
    },
    { key: 'createdAt', title: 'Registered', render: (p) => formatDateTime(p.createdAt) },
    { key: 'revokedAt', title: 'Revoked', render: (p) => (p.revokedAt ? formatDateTime(p.revokedAt) : '—') },
  ]
  if (!options.canRevoke) return columns
  columns.push({
    key: 'actions',
    title: 'Actions',
    render: (p) =>
      p.status === 'active'
        ? h(
            NButton,
            {
              size: 'small',
              type: 'error',
              secondary: true,
              'aria-label': `Revoke ${p.name}`,
              onClick: () => options.onRevoke(p),
            },
            () => 'Revoke',
          )
        : null,
  })
  return columns
}
