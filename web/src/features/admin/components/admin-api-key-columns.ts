import type { ApiKey } from '@tg/contracts'
import { NButton } from 'naive-ui'
import type { DataTableColumns } from 'naive-ui'
import { h } from 'vue'
import StatusTag from '@/shared/ui/StatusTag.vue'
import { formatDateTime, formatRelative } from '@/shared/ui/format'
import AdminApiKeyScope from './AdminApiKeyScope.vue'

export const API_KEY_STATUS_VIEW = {
  active: { label: 'Active', tone: 'success' },
  revoked: { label: 'Revoked', tone: 'error' },
  expired: { label: 'Expired', tone: 'warning' },
} as const

/** Columns of the API keys table; the revoke button is named after its key ("Revoke ci-runner"). */
export function buildApiKeyColumns({ onRevoke }: { onRevoke: (key: ApiKey) => void }): DataTableColumns<ApiKey> {
  return [
    { key: 'name', title: 'Name', render: (key) => key.name },
    { key: 'prefix', title: 'Prefix', render: (key) => h('code', key.prefix) },
    { key: 'roles', title: 'Roles or scope', render: (key) => h(AdminApiKeyScope, { apiKey: key }) },
    {
      key: 'status',
      title: 'Status',
      render: (key) => h(StatusTag, { value: key.status, ...API_KEY_STATUS_VIEW[key.status] }),
    },
    {
      key: 'createdAt',
      title: 'Created',
      render: (key) => `${formatDateTime(key.createdAt)}${key.createdBy ? ` by ${key.createdBy}` : ''}`,
    },
    { key: 'expiresAt', title: 'Expires', render: (key) => (key.expiresAt ? formatDateTime(key.expiresAt) : 'Never') },
    {
      key: 'lastUsedAt',
      title: 'Last used',
      render: (key) => (key.lastUsedAt ? formatRelative(key.lastUsedAt) : 'Never'),
    },
    {
      key: 'actions',
      title: 'Actions',
      render: (key) =>
        key.status === 'active'
          ? h(
              NButton,
              {
                size: 'small',
                type: 'error',
                secondary: true,
                'aria-label': `Revoke ${key.name}`,
                onClick: () => onRevoke(key),
              },
              () => 'Revoke',
            )
          : null,
    },
  ]
}
