import type { Delivery } from '@tg/contracts'
import { WEBHOOK_EVENT_LABELS } from '@tg/contracts'
import { NButton } from 'naive-ui'
import type { DataTableColumns } from 'naive-ui'
import { h } from 'vue'
import { RouterLink } from 'vue-router'
import StatusTag from '@/shared/ui/StatusTag.vue'
import { formatDateTime } from '@/shared/ui/format'
import { DELIVERY_STATUS_VIEW, deliveryPath } from '../status-views'
import DeliveryAttemptsInline from './DeliveryAttemptsInline.vue'

/** "200", "timeout after 10 s", or an em dash before the first attempt. */
export function describeOutcome(delivery: Pick<Delivery, 'lastStatusCode' | 'lastError'>): string {
  if (delivery.lastStatusCode !== null) return `HTTP ${delivery.lastStatusCode}`
  return delivery.lastError ?? '—'
}

/** Columns of a delivery log; Replay is there only for those allowed it. */
export function buildDeliveryColumns(onReplay: ((delivery: Delivery) => void) | null): DataTableColumns<Delivery> {
  const columns: DataTableColumns<Delivery> = [
    // Each row opens onto its attempts: status code, latency and the first 1 KiB of each answer.
    { type: 'expand', renderExpand: (d) => h(DeliveryAttemptsInline, { deliveryId: d.id }) },
    {
      key: 'createdAt',
      title: 'Created',
      render: (d) => h(RouterLink, { to: deliveryPath(d.id) }, () => formatDateTime(d.createdAt)),
    },
    { key: 'event', title: 'Event', render: (d) => WEBHOOK_EVENT_LABELS[d.eventType] },
    {
      key: 'status',
      title: 'Status',
      render: (d) => h(StatusTag, { value: d.status, ...DELIVERY_STATUS_VIEW[d.status] }),
    },
    { key: 'attempts', title: 'Attempts', render: (d) => String(d.attempts) },
    { key: 'outcome', title: 'Last answer', render: (d) => describeOutcome(d) },
    {
      key: 'replayOf',
      title: 'Replay of',
      render: (d) => (d.replayOf ? h(RouterLink, { to: deliveryPath(d.replayOf) }, () => 'earlier delivery') : '—'),
    },
  ]
  if (!onReplay) return columns
  columns.push({
    key: 'actions',
    title: 'Actions',
    render: (d) =>
      h(
        NButton,
        {
          size: 'small',
          'aria-label': `Replay the ${WEBHOOK_EVENT_LABELS[d.eventType]} delivery of ${formatDateTime(d.createdAt)}`,
          onClick: () => onReplay(d),
        },
        () => 'Replay',
      ),
  })
  return columns
}
