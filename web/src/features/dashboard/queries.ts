import { queryOptions } from '@tanstack/vue-query'
import {
  fedmoeOverviewRoute,
  getDashboardOverviewRoute,
  getSystemHealthRoute,
  trainingOverviewRoute,
} from '@tg/contracts'
import { api } from '@/shared/api'

export const dashboardKeys = {
  all: ['dashboard'] as const,
  overview: () => [...dashboardKeys.all, 'overview'] as const,
  health: () => [...dashboardKeys.all, 'health'] as const,
  training: () => [...dashboardKeys.all, 'training'] as const,
  fedmoe: () => [...dashboardKeys.all, 'fedmoe'] as const,
}

/** Users, API keys and recent sign-ins: admin and auditor only, others get 403. */
export const overviewQuery = () =>
  queryOptions({
    queryKey: dashboardKeys.overview(),
    queryFn: ({ signal }) => api.request(getDashboardOverviewRoute, { signal }),
  })

export const healthQuery = () =>
  queryOptions({
    queryKey: dashboardKeys.health(),
    queryFn: ({ signal }) => api.request(getSystemHealthRoute, { signal }),
    // While something is down, look again every few seconds, so that the section says so soon
    // after it is back (a database outage ends while the page stays open).
    refetchInterval: (query) => (query.state.data?.status === 'ok' ? 30_000 : 5_000),
  })

/** Active runs, runs near or past their budget, the latest rounds (any signed-in role). */
export const trainingOverviewQuery = () =>
  queryOptions({
    queryKey: dashboardKeys.training(),
    queryFn: ({ signal }) => api.request(trainingOverviewRoute, { signal }),
  })

/** FedMoE versions awaiting validation and recent gate failures (any signed-in role). */
export const fedmoeOverviewQuery = () =>
  queryOptions({
    queryKey: dashboardKeys.fedmoe(),
    queryFn: ({ signal }) => api.request(fedmoeOverviewRoute, { signal }),
  })
