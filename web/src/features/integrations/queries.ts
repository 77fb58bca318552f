import { queryOptions, useMutation, useQueryClient } from '@tanstack/vue-query'
import {
  checkConnectorRoute,
  createConnectorRoute,
  createWebhookRoute,
  deleteConnectorRoute,
  deleteWebhookRoute,
  getConnectorRoute,
  getDeliveryRoute,
  getWebhookRoute,
  listConnectorChecksRoute,
  listConnectorsRoute,
  listWebhookDeliveriesRoute,
  listWebhooksRoute,
  replayDeliveryRoute,
  rotateWebhookSecretRoute,
  testWebhookRoute,
  updateConnectorRoute,
  updateWebhookRoute,
} from '@tg/contracts'
import type {
  CreateConnectorBody,
  CreateWebhookBody,
  DeliveryStatus,
  UpdateConnectorBody,
  UpdateWebhookBody,
} from '@tg/contracts'
import { api } from '@/shared/api'

const ALL = ['integrations'] as const
const CONNECTORS = [...ALL, 'connectors'] as const
const WEBHOOKS = [...ALL, 'webhooks'] as const
const DELIVERIES = [...ALL, 'deliveries'] as const

export const integrationsKeys = {
  all: ALL,
  connectors: {
    all: CONNECTORS,
    list: () => [...CONNECTORS, 'list'] as const,
    detail: (id: string) => [...CONNECTORS, 'detail', id] as const,
    /** Every page of a connector's history and its chart sample (what a new check makes stale). */
    checks: (id: string) => [...CONNECTORS, 'checks', id] as const,
    checkPage: (id: string, cursor: string | undefined) =>
      [...CONNECTORS, 'checks', id, 'page', cursor ?? null] as const,
    checkSeries: (id: string) => [...CONNECTORS, 'checks', id, 'series'] as const,
  },
  webhooks: {
    all: WEBHOOKS,
    list: () => [...WEBHOOKS, 'list'] as const,
    detail: (id: string) => [...WEBHOOKS, 'detail', id] as const,
    /** Every page of a subscription's delivery log. */
    deliveries: (id: string) => [...WEBHOOKS, 'deliveries', id] as const,
    deliveryPage: (id: string, status: DeliveryStatus | undefined, cursor: string | undefined) =>
      [...WEBHOOKS, 'deliveries', id, { status: status ?? null, cursor: cursor ?? null }] as const,
  },
  deliveries: { all: DELIVERIES, detail: (id: string) => [...DELIVERIES, 'detail', id] as const },
}

/** Results per page of a connector's history table, newest first. */
export const CHECK_PAGE_SIZE = 20
/** The newest results charted (the server keeps at most 1000 per connector). */
export const CHECK_SERIES_LIMIT = 500
/** Deliveries per page of a subscription's log. */
export const DELIVERY_PAGE_SIZE = 20
/** While a delivery is still on its way, its views refresh this often (the event stream is faster). */
export const DELIVERY_REFRESH_MS = 3000

/** Whether a delivery has reached a state that no longer changes by itself. */
export const isDeliverySettled = (status: DeliveryStatus | undefined) => status === 'succeeded' || status === 'dead'

export const connectorListQuery = () =>
  queryOptions({
    queryKey: integrationsKeys.connectors.list(),
    queryFn: ({ signal }) => api.request(listConnectorsRoute, { signal }),
  })

export const connectorQuery = (connectorId: string) =>
  queryOptions({
    queryKey: integrationsKeys.connectors.detail(connectorId),
    queryFn: ({ signal }) => api.request(getConnectorRoute, { params: { path: { connectorId } }, signal }),
  })

export const checkPageQuery = (connectorId: string, cursor: string | undefined) =>
  queryOptions({
    queryKey: integrationsKeys.connectors.checkPage(connectorId, cursor),
    queryFn: ({ signal }) =>
      api.request(listConnectorChecksRoute, {
        params: {
          path: { connectorId },
          query: { limit: CHECK_PAGE_SIZE, ...(cursor === undefined ? {} : { cursor }) },
        },
        signal,
      }),
  })

export const checkSeriesQuery = (connectorId: string) =>
  queryOptions({
    queryKey: integrationsKeys.connectors.checkSeries(connectorId),
    queryFn: ({ signal }) =>
      api.request(listConnectorChecksRoute, {
        params: { path: { connectorId }, query: { limit: CHECK_SERIES_LIMIT } },
        signal,
      }),
  })

export const webhookListQuery = () =>
  queryOptions({
    queryKey: integrationsKeys.webhooks.list(),
    queryFn: ({ signal }) => api.request(listWebhooksRoute, { signal }),
  })

export const webhookQuery = (webhookId: string) =>
  queryOptions({
    queryKey: integrationsKeys.webhooks.detail(webhookId),
    queryFn: ({ signal }) => api.request(getWebhookRoute, { params: { path: { webhookId } }, signal }),
  })

export const deliveryPageQuery = (webhookId: string, status: DeliveryStatus | undefined, cursor: string | undefined) =>
  queryOptions({
    queryKey: integrationsKeys.webhooks.deliveryPage(webhookId, status, cursor),
    queryFn: ({ signal }) =>
      api.request(listWebhookDeliveriesRoute, {
        params: {
          path: { webhookId },
          query: {
            limit: DELIVERY_PAGE_SIZE,
            ...(status === undefined ? {} : { status }),
            ...(cursor === undefined ? {} : { cursor }),
          },
        },
        signal,
      }),
    refetchInterval: (query) =>
      query.state.data?.items.every((d) => isDeliverySettled(d.status)) === false ? DELIVERY_REFRESH_MS : false,
  })

export const deliveryQuery = (deliveryId: string) =>
  queryOptions({
    queryKey: integrationsKeys.deliveries.detail(deliveryId),
    queryFn: ({ signal }) => api.request(getDeliveryRoute, { params: { path: { deliveryId } }, signal }),
    refetchInterval: (query) =>
      query.state.data && !isDeliverySettled(query.state.data.status) ? DELIVERY_REFRESH_MS : false,
  })

export function useCreateConnectorMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: CreateConnectorBody) => api.request(createConnectorRoute, { body: body as never }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: integrationsKeys.connectors.all }),
  })
}

export function useUpdateConnectorMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ connectorId, body }: { connectorId: string; body: UpdateConnectorBody }) =>
      api.request(updateConnectorRoute, { params: { path: { connectorId } }, body: body as never }),
    onSuccess: (connector) => {
      queryClient.setQueryData(integrationsKeys.connectors.detail(connector.id), connector)
      return queryClient.invalidateQueries({ queryKey: integrationsKeys.connectors.all })
    },
  })
}

export function useDeleteConnectorMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (connectorId: string) => api.request(deleteConnectorRoute, { params: { path: { connectorId } } }),
    onSuccess: (_none, connectorId) => {
      queryClient.removeQueries({ queryKey: integrationsKeys.connectors.detail(connectorId) })
      return queryClient.invalidateQueries({ queryKey: integrationsKeys.connectors.list() })
    },
  })
}

/** Queues a check (202): the result arrives later, on the event stream or by polling the connector. */
export function useCheckConnectorMutation() {
  return useMutation({
    mutationFn: (connectorId: string) => api.request(checkConnectorRoute, { params: { path: { connectorId } } }),
  })
}

export function useCreateWebhookMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: CreateWebhookBody) => api.request(createWebhookRoute, { body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: integrationsKeys.webhooks.list() }),
  })
}

export function useUpdateWebhookMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ webhookId, body }: { webhookId: string; body: UpdateWebhookBody }) =>
      api.request(updateWebhookRoute, { params: { path: { webhookId } }, body }),
    onSuccess: (webhook) => {
      queryClient.setQueryData(integrationsKeys.webhooks.detail(webhook.id), webhook)
      return queryClient.invalidateQueries({ queryKey: integrationsKeys.webhooks.list() })
    },
  })
}

export function useDeleteWebhookMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (webhookId: string) => api.request(deleteWebhookRoute, { params: { path: { webhookId } } }),
    onSuccess: (_none, webhookId) => {
      queryClient.removeQueries({ queryKey: integrationsKeys.webhooks.detail(webhookId) })
      return queryClient.invalidateQueries({ queryKey: integrationsKeys.webhooks.list() })
    },
  })
}

/** A new signing secret; it is in the answer only. */
export function useRotateWebhookSecretMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (webhookId: string) => api.request(rotateWebhookSecretRoute, { params: { path: { webhookId } } }),
    onSuccess: ({ webhook }) => {
      queryClient.setQueryData(integrationsKeys.webhooks.detail(webhook.id), webhook)
      return queryClient.invalidateQueries({ queryKey: integrationsKeys.webhooks.list() })
    },
  })
}

export function useTestWebhookMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (webhookId: string) => api.request(testWebhookRoute, { params: { path: { webhookId } } }),
    onSuccess: (_delivery, webhookId) =>
      queryClient.invalidateQueries({ queryKey: integrationsKeys.webhooks.deliveries(webhookId) }),
  })
}

/** A new delivery with the same payload and a new webhook-id. */
export function useReplayDeliveryMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (deliveryId: string) => api.request(replayDeliveryRoute, { params: { path: { deliveryId } } }),
    onSuccess: (delivery) =>
      queryClient.invalidateQueries({ queryKey: integrationsKeys.webhooks.deliveries(delivery.subscriptionId) }),
  })
}
