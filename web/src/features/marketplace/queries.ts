import { infiniteQueryOptions, queryOptions, useMutation, useQueryClient } from '@tanstack/vue-query'
import type { QueryClient, QueryKey } from '@tanstack/vue-query'
import {
  createFleetAgentKeyRoute,
  createFleetRoute,
  createPublisherRoute,
  getFleetHealthRoute,
  listTrainingRunsRoute,
  updateFleetHealthPolicyRoute,
  createReleaseRoute,
  diffPackagesRoute,
  getPackageRoute,
  listChannelsRoute,
  listFleetsRoute,
  listPackagesRoute,
  listPublishersRoute,
  listReleasesRoute,
  revokePublisherRoute,
  rollbackReleaseRoute,
  reverifyPackageRoute,
  setPackageLabelsRoute,
  updateFleetRoute,
  uploadPackageRoute,
} from '@tg/contracts'
import type {
  CreateFleetBody,
  CreatePublisherBody,
  CreateReleaseBody,
  UpdateFleetBody,
  UpdateFleetHealthPolicyBody,
} from '@tg/contracts'
import { api } from '@/shared/api'
import type { UploadOptions } from '@/shared/api'
import { packageListParamsOf } from './url-filters'
import type { PackageFilters } from './url-filters'

/** Releases a page of history asks for; "Load older releases" asks for the next page by cursor. */
export const RELEASES_PAGE_SIZE = 100
/** The contract's maximum page: the promote dialog's soak check reads one package on one fleet. */
const RELEASES_LIMIT_MAX = 500

/** What the releases list is narrowed to. */
export type ReleaseScope = { fleetId?: string; packageId?: string }

const ALL = ['marketplace'] as const
const PACKAGES = [...ALL, 'packages'] as const
const PUBLISHERS = [...ALL, 'publishers'] as const
const FLEETS = [...ALL, 'fleets'] as const
const RELEASES = [...ALL, 'releases'] as const
const CHANNELS = [...ALL, 'channels'] as const

export const marketplaceKeys = {
  all: ALL,
  packages: {
    all: PACKAGES,
    list: (filters: PackageFilters) => [...PACKAGES, 'list', filters] as const,
    /** One first page (no "load more"), for pickers. */
    firstPage: (filters: PackageFilters) => [...PACKAGES, 'first-page', filters] as const,
    detail: (id: string) => [...PACKAGES, 'detail', id] as const,
    diff: (id: string, against: string) => [...PACKAGES, 'diff', id, against] as const,
  },
  publishers: { all: PUBLISHERS, list: () => [...PUBLISHERS, 'list'] as const },
  fleets: {
    all: FLEETS,
    list: (includeArchived: boolean) => [...FLEETS, 'list', { includeArchived }] as const,
    health: (fleetId: string) => [...FLEETS, 'health', fleetId] as const,
  },
  /** The training runs that report having produced a package (provenance). */
  producers: (packageId: string) => [...PACKAGES, 'producers', packageId] as const,
  releases: {
    all: RELEASES,
    list: (scope: ReleaseScope) => [...RELEASES, 'list', scope] as const,
    live: (scope: ReleaseScope) => [...RELEASES, 'live', scope] as const,
    pages: (scope: ReleaseScope, pageSize: number) => [...RELEASES, 'pages', scope, pageSize] as const,
  },
  channels: { all: CHANNELS, list: () => [...CHANNELS, 'list'] as const },
}

/** The first page of packages for these filters and sort (a picker's options). */
export const packageFirstPageQuery = (filters: PackageFilters) =>
  queryOptions({
    queryKey: marketplaceKeys.packages.firstPage(filters),
    queryFn: ({ signal }) =>
      api.request(listPackagesRoute, { params: { query: packageListParamsOf(filters) }, signal }),
  })

/** Packages for these filters and sort, a page at a time following the server's nextCursor. */
export const packagePagesQuery = (filters: PackageFilters) =>
  infiniteQueryOptions({
    queryKey: marketplaceKeys.packages.list(filters),
    queryFn: ({ signal, pageParam }) =>
      api.request(listPackagesRoute, {
        params: { query: { ...packageListParamsOf(filters), cursor: pageParam } },
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  })

export const packageDetailQuery = (packageId: string) =>
  queryOptions({
    queryKey: marketplaceKeys.packages.detail(packageId),
    queryFn: ({ signal }) => api.request(getPackageRoute, { params: { path: { packageId } }, signal }),
  })

/** What changed in the manifest from package `against` to package `packageId`. */
export const packageDiffQuery = (packageId: string, against: string) =>
  queryOptions({
    queryKey: marketplaceKeys.packages.diff(packageId, against),
    queryFn: ({ signal }) =>
      api.request(diffPackagesRoute, { params: { path: { packageId }, query: { against } }, signal }),
  })

export const publisherListQuery = () =>
  queryOptions({
    queryKey: marketplaceKeys.publishers.list(),
    queryFn: ({ signal }) => api.request(listPublishersRoute, { signal }),
  })

export const fleetListQuery = (includeArchived: boolean) =>
  queryOptions({
    queryKey: marketplaceKeys.fleets.list(includeArchived),
    queryFn: ({ signal }) =>
      api.request(listFleetsRoute, {
        params: { query: { includeArchived: includeArchived ? 'true' : 'false' } },
        signal,
      }),
  })

/** Channels come from the server's configuration (TG_RELEASE_CHANNELS) and rarely change. */
export const channelListQuery = () =>
  queryOptions({
    queryKey: marketplaceKeys.channels.list(),
    queryFn: ({ signal }) => api.request(listChannelsRoute, { signal }),
    staleTime: 5 * 60_000,
  })

/** One package's releases on one fleet, newest first, in one page (for the promote dialog's soak check). */
export const releaseListQuery = (scope: { fleetId: string; packageId: string }) =>
  queryOptions({
    queryKey: marketplaceKeys.releases.list(scope),
    queryFn: ({ signal }) =>
      api.request(listReleasesRoute, { params: { query: { ...scope, limit: RELEASES_LIMIT_MAX } }, signal }),
  })

/** What is live on every channel of the scope (one release per fleet and channel), however old. */
export const liveReleasesQuery = (scope: ReleaseScope) =>
  queryOptions({
    queryKey: marketplaceKeys.releases.live(scope),
    queryFn: ({ signal }) =>
      api.request(listReleasesRoute, {
        params: { query: { ...scope, activeOnly: 'true', limit: RELEASES_LIMIT_MAX } },
        signal,
      }),
  })

/** Release history, newest first, a page at a time following the server's nextCursor. */
export const releasePagesQuery = (scope: ReleaseScope, pageSize = RELEASES_PAGE_SIZE) =>
  infiniteQueryOptions({
    queryKey: marketplaceKeys.releases.pages(scope, pageSize),
    queryFn: ({ signal, pageParam }) =>
      api.request(listReleasesRoute, { params: { query: { ...scope, limit: pageSize, cursor: pageParam } }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  })

export const fleetHealthQuery = (fleetId: string) =>
  queryOptions({
    queryKey: marketplaceKeys.fleets.health(fleetId),
    queryFn: ({ signal }) => api.request(getFleetHealthRoute, { params: { path: { fleetId } }, signal }),
  })

export const producingRunsQuery = (packageId: string) =>
  queryOptions({
    queryKey: marketplaceKeys.producers(packageId),
    queryFn: ({ signal }) =>
      api.request(listTrainingRunsRoute, { params: { query: { packageId, limit: 10 } }, signal }),
  })

function invalidate(queryClient: QueryClient, ...keys: QueryKey[]) {
  return Promise.all(keys.map((queryKey) => queryClient.invalidateQueries({ queryKey })))
}

/** Uploads a package file; a stored package changes the list and its publisher's count. */
export function useUploadPackageMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ file, ...options }: { file: Blob } & UploadOptions) => api.upload(uploadPackageRoute, file, options),
    onSuccess: () => invalidate(queryClient, PACKAGES, PUBLISHERS),
  })
}

/** New labels show in the package's page and in the list (and change what a label filter finds). */
export function useSetPackageLabelsMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ packageId, labels }: { packageId: string; labels: string[] }) =>
      api.request(setPackageLabelsRoute, { params: { path: { packageId } }, body: { labels } }),
    onSuccess: () => invalidate(queryClient, PACKAGES),
  })
}

/** A re-verification stores a new status and checks: the package's page and the list show them. */
export function useReverifyPackageMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (packageId: string) => api.request(reverifyPackageRoute, { params: { path: { packageId } } }),
    onSuccess: () => invalidate(queryClient, PACKAGES, RELEASES),
  })
}

export function useCreatePublisherMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: CreatePublisherBody) => api.request(createPublisherRoute, { body }),
    onSuccess: () => invalidate(queryClient, PUBLISHERS),
  })
}

/** Revoking marks the publisher's packages signer_revoked: packages and releases show it. */
export function useRevokePublisherMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (publisherId: string) => api.request(revokePublisherRoute, { params: { path: { publisherId } } }),
    onSuccess: () => invalidate(queryClient, PUBLISHERS, PACKAGES, RELEASES),
  })
}

export function useCreateFleetMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: CreateFleetBody) => api.request(createFleetRoute, { body }),
    onSuccess: () => invalidate(queryClient, FLEETS),
  })
}

/** Fleet names also appear in releases and in where packages are live. */
export function useUpdateFleetMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ fleetId, body }: { fleetId: string; body: UpdateFleetBody }) =>
      api.request(updateFleetRoute, { params: { path: { fleetId } }, body }),
    onSuccess: () => invalidate(queryClient, FLEETS, RELEASES, PACKAGES),
  })
}

export function useUpdateHealthPolicyMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ fleetId, body }: { fleetId: string; body: UpdateFleetHealthPolicyBody }) =>
      api.request(updateFleetHealthPolicyRoute, { params: { path: { fleetId } }, body }),
    onSuccess: () => invalidate(queryClient, FLEETS),
  })
}

/** A key whose only right is to report release health on this fleet; its secret is in the answer only. */
export function useCreateFleetAgentKeyMutation() {
  return useMutation({
    mutationFn: ({ fleetId, name }: { fleetId: string; name: string }) =>
      api.request(createFleetAgentKeyRoute, { params: { path: { fleetId } }, body: { name } }),
  })
}

export function useCreateReleaseMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: CreateReleaseBody) => api.request(createReleaseRoute, { body }),
    onSuccess: () => invalidate(queryClient, RELEASES, PACKAGES, FLEETS),
  })
}

export function useRollbackReleaseMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ releaseId, notes }: { releaseId: string; notes: string }) =>
      api.request(rollbackReleaseRoute, { params: { path: { releaseId } }, body: { notes } }),
    onSuccess: () => invalidate(queryClient, RELEASES, PACKAGES),
  })
}
