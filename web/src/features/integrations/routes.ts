import { listConnectorsRoute } from '@tg/contracts'
import type { RouteRecordRaw } from 'vue-router'

export const integrationsRoutes: RouteRecordRaw[] = [
  {
    path: '/integrations',
    name: 'integrations',
    component: () => import('./views/IntegrationsConnectorsView.vue'),
    meta: { title: 'Connectors · Integrations', loads: listConnectorsRoute },
  },
  {
    path: '/integrations/connectors/:connectorId',
    name: 'integrations-connector',
    component: () => import('./views/IntegrationsConnectorView.vue'),
    props: true,
    meta: { title: 'Connector · Integrations' },
  },
  {
    path: '/integrations/webhooks',
    name: 'integrations-webhooks',
    component: () => import('./views/IntegrationsWebhooksView.vue'),
    meta: { title: 'Webhooks · Integrations' },
  },
  {
    path: '/integrations/webhooks/:webhookId',
    name: 'integrations-webhook',
    component: () => import('./views/IntegrationsWebhookView.vue'),
    props: true,
    meta: { title: 'Webhook · Integrations' },
  },
  {
    path: '/integrations/deliveries/:deliveryId',
    name: 'integrations-delivery',
    component: () => import('./views/IntegrationsDeliveryView.vue'),
    props: true,
    meta: { title: 'Delivery · Integrations' },
  },
]
