import { describe, expect, it } from 'vitest'
import { keysToInvalidate } from './use-integration-events'
import { isCheckSettled } from './use-check-now'

const ID = '6f1c1f43-62b4-4c52-9a43-3a3f0f0e1a01'
const SUB = '6f1c1f43-62b4-4c52-9a43-3a3f0f0e1a02'
const DELIVERY = '6f1c1f43-62b4-4c52-9a43-3a3f0f0e1a03'

describe('check now', () => {
  it('waits for a result checked at or after the queued check', () => {
    const requestedAt = '2026-12-07T10:00:00.000Z'
    expect(isCheckSettled(null, requestedAt)).toBe(false)
    expect(isCheckSettled({ checkedAt: '2026-12-07T09:59:59.000Z' }, requestedAt)).toBe(false)
    expect(isCheckSettled({ checkedAt: '2026-12-07T10:00:00.500Z' }, requestedAt)).toBe(true)
  })
})

describe('live integration events', () => {
  it('a connector event makes its list, detail and history stale', () => {
    const keys = keysToInvalidate({
      type: 'connector',
      connectorId: ID,
      status: 'unhealthy',
      reason: 'unreachable',
      checkedAt: '2026-12-07T10:00:00.000Z',
    })
    expect(keys).toEqual([
      ['integrations', 'connectors', 'list'],
      ['integrations', 'connectors', 'detail', ID],
      ['integrations', 'connectors', 'checks', ID],
    ])
  })

  it('a delivery event makes its log, its detail and its subscription stale', () => {
    const keys = keysToInvalidate({ type: 'delivery', deliveryId: DELIVERY, subscriptionId: SUB, status: 'succeeded' })
    expect(keys).toEqual([
      ['integrations', 'webhooks', 'deliveries', SUB],
      ['integrations', 'deliveries', 'detail', DELIVERY],
      ['integrations', 'webhooks', 'detail', SUB],
      ['integrations', 'webhooks', 'list'],
    ])
  })
})

describe('delivery refresh', () => {
  it('stops once a delivery succeeded or gave up', async () => {
    const { isDeliverySettled } = await import('./queries')
    expect(isDeliverySettled('succeeded')).toBe(true)
    expect(isDeliverySettled('dead')).toBe(true)
    expect(isDeliverySettled('failed')).toBe(false)
    expect(isDeliverySettled('pending')).toBe(false)
  })
})
