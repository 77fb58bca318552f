import type { Webhook } from '@tg/contracts'
import { NButton } from 'naive-ui'
import type { DataTableColumns } from 'naive-ui'
import { h } from 'vue'
import { RouterLink } from 'vue-router'
import StatusTag from '@/shared/ui/StatusTag.vue'
import { describeEvents } from '../webhook-form'
import { webhookPath } from '../status-views'

export type WebhookRowActions = {
  onEdit: (webhook: Webhook) => void
  onToggle: (webhook: Webhook) => void
  onDelete: (webhook: Webhook) => void
}

export function webhookStateView(webhook: Webhook) {
  if (webhook.enabled) return { value: 'enabled', label: 'Enabled', tone: 'success' as const }
  if (webhook.disabledReason)
    return { value: 'disabled-by-server', label: 'Disabled after failures', tone: 'error' as const }
  return { value: 'disabled', label: 'Disabled', tone: 'default' as const }
}

/** Columns of the webhooks table; row buttons are named after their webhook ("Disable ci"). */
export function buildWebhookColumns(actions: WebhookRowActions | null): DataTableColumns<Webhook> {
  const columns: DataTableColumns<Webhook> = [
    {
      key: 'name',
      title: 'Name',
      render: (w) => h(RouterLink, { to: webhookPath(w.id) }, () => w.name),
    },
    { key: 'url', title: 'URL', render: (w) => h('code', { class: 'url' }, w.url) },
    { key: 'events', title: 'Events', render: (w) => describeEvents(w.events) },
    { key: 'state', title: 'State', render: (w) => h(StatusTag, webhookStateView(w)) },
    { key: 'secret', title: 'Secret', render: (w) => `••••${w.secretLast4}` },
  ]
  if (!actions) return columns
  columns.push({
    key: 'actions',
    title: 'Actions',
    render: (w) =>
      h('div', { class: 'row-actions' }, [
        h(NButton, { size: 'small', 'aria-label': `Edit ${w.name}`, onClick: () => actions.onEdit(w) }, () => 'Edit'),
        h(
          NButton,
          {
            size: 'small',
            'aria-label': `${w.enabled ? 'Disable' : 'Enable'} ${w.name}`,
            onClick: () => actions.onToggle(w),
          },
          () => (w.enabled ? 'Disable' : 'Enable'),
        ),
        h(
          NButton,
          {
            size: 'small',
            type: 'error',
            secondary: true,
            'aria-label': `Delete ${w.name}`,
            onClick: () => actions.onDelete(w),
          },
          () => 'Delete',
        ),
      ]),
  })
  return columns
}
