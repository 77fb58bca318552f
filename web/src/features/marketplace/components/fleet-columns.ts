import type { Fleet } from '@tg/contracts'
import { NButton } from 'naive-ui'
import type { DataTableColumns } from 'naive-ui'
import { h } from 'vue'
import { RouterLink } from 'vue-router'
import { formatRate } from '../fleet-health'
import StatusTag from '@/shared/ui/StatusTag.vue'
import { formatDateTime } from '@/shared/ui/format'
import { FLEET_STATUS_VIEW } from '../status-views'

export type FleetRowActions = { onEdit: (fleet: Fleet) => void; onToggleArchive: (fleet: Fleet) => void }

/** Columns of the fleets table; row buttons are named after their fleet ("Archive edge-eu"). */
export function buildFleetColumns(actions: FleetRowActions | null): DataTableColumns<Fleet> {
  const columns: DataTableColumns<Fleet> = [
    {
      key: 'name',
      title: 'Name',
      render: (fleet) => h(RouterLink, { to: `/marketplace/fleets/${fleet.id}` }, () => fleet.name),
    },
    { key: 'description', title: 'Description', render: (fleet) => fleet.description || '—' },
    {
      key: 'soakMinutes',
      title: 'Soak time',
      render: (fleet) => (fleet.soakMinutes > 0 ? `${fleet.soakMinutes} min on each channel before the next` : 'None'),
    },
    {
      key: 'health',
      title: 'Health policy',
      render: (fleet) => (fleet.health ? `At most ${formatRate(fleet.health.maxFailureRate)} failures` : 'None'),
    },
    {
      key: 'status',
      title: 'Status',
      render: (fleet) => h(StatusTag, { value: fleet.status, ...FLEET_STATUS_VIEW[fleet.status] }),
    },
    { key: 'createdAt', title: 'Created', render: (fleet) => formatDateTime(fleet.createdAt) },
    {
      key: 'archivedAt',
      title: 'Archived',
      render: (fleet) => (fleet.archivedAt ? formatDateTime(fleet.archivedAt) : '—'),
    },
  ]
  if (!actions) return columns
  columns.push({
    key: 'actions',
    title: 'Actions',
    render: (fleet) => {
      const verb = fleet.status === 'active' ? 'Archive' : 'Restore'
      return h('div', { class: 'row-actions' }, [
        h(
          NButton,
          { size: 'small', 'aria-label': `Edit ${fleet.name}`, onClick: () => actions.onEdit(fleet) },
          () => 'Edit',
        ),
        h(
          NButton,
          { size: 'small', 'aria-label': `${verb} ${fleet.name}`, onClick: () => actions.onToggleArchive(fleet) },
          () => verb,
        ),
      ])
    },
  })
  return columns
}
