import { listPackagesRoute } from '@tg/contracts'
import type { RouteRecordRaw } from 'vue-router'

export const marketplaceRoutes: RouteRecordRaw[] = [
  {
    path: '/marketplace',
    name: 'marketplace',
    component: () => import('./views/MarketplacePackagesView.vue'),
    meta: { title: 'Packages · Marketplace', loads: listPackagesRoute },
  },
  {
    path: '/marketplace/packages/:packageId',
    name: 'marketplace-package',
    component: () => import('./views/MarketplacePackageView.vue'),
    props: true,
    meta: { title: 'Package · Marketplace' },
  },
  {
    path: '/marketplace/packages/:packageId/compare/:against',
    name: 'marketplace-package-diff',
    component: () => import('./views/MarketplacePackageDiffView.vue'),
    props: true,
    meta: { title: 'Compare packages · Marketplace' },
  },
  {
    path: '/marketplace/releases',
    name: 'marketplace-releases',
    component: () => import('./views/MarketplaceReleasesView.vue'),
    meta: { title: 'Releases · Marketplace' },
  },
  {
    path: '/marketplace/fleets',
    name: 'marketplace-fleets',
    component: () => import('./views/MarketplaceFleetsView.vue'),
    meta: { title: 'Fleets · Marketplace' },
  },
  {
    path: '/marketplace/fleets/:fleetId',
    name: 'marketplace-fleet',
    component: () => import('./views/MarketplaceFleetView.vue'),
    props: true,
    meta: { title: 'Fleet · Marketplace' },
  },
  {
    path: '/marketplace/publishers',
    name: 'marketplace-publishers',
    component: () => import('./views/MarketplacePublishersView.vue'),
    meta: { title: 'Publishers · Marketplace' },
  },
]
