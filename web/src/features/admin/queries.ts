import { queryOptions, useMutation, useQueryClient } from '@tanstack/vue-query'
import {
  createApiKeyRoute,
  createUserRoute,
  issuePasswordResetRoute,
  unlockSignInRoute,
  listApiKeysRoute,
  listUsersRoute,
  revokeApiKeyRoute,
  updateUserRoute,
} from '@tg/contracts'
import type { CreateApiKeyBody, CreateUserBody, UpdateUserBody } from '@tg/contracts'
import { api } from '@/shared/api'
import type { ApiKeyFilters, UserFilters } from './url-filters'

export const PAGE_SIZE = 25

export const userKeys = {
  all: ['admin', 'users'] as const,
  lists: () => [...userKeys.all, 'list'] as const,
  list: (filters: UserFilters) => [...userKeys.lists(), filters] as const,
}

export const apiKeyKeys = {
  all: ['admin', 'api-keys'] as const,
  lists: () => [...apiKeyKeys.all, 'list'] as const,
  list: (filters: ApiKeyFilters) => [...apiKeyKeys.lists(), filters] as const,
}

export const userListQuery = (filters: UserFilters) =>
  queryOptions({
    queryKey: userKeys.list(filters),
    queryFn: ({ signal }) =>
      api.request(listUsersRoute, { params: { query: { ...filters, limit: PAGE_SIZE } }, signal }),
  })

export const apiKeyListQuery = (filters: ApiKeyFilters) =>
  queryOptions({
    queryKey: apiKeyKeys.list(filters),
    queryFn: ({ signal }) =>
      api.request(listApiKeysRoute, { params: { query: { ...filters, limit: PAGE_SIZE } }, signal }),
  })

export function useCreateUserMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: CreateUserBody) => api.request(createUserRoute, { body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  })
}

export function useUpdateUserMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ userId, body }: { userId: string; body: UpdateUserBody }) =>
      api.request(updateUserRoute, { params: { path: { userId } }, body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  })
}

export function useUnlockSignInMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (userId: string) => api.request(unlockSignInRoute, { params: { path: { userId } } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: userKeys.all }),
  })
}

/** Issues a one-time reset link; the link is in this mutation's data only, never in the cache. */
export function useIssuePasswordResetMutation() {
  return useMutation({
    mutationFn: (userId: string) => api.request(issuePasswordResetRoute, { params: { path: { userId } } }),
  })
}

export function useCreateApiKeyMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: CreateApiKeyBody) => api.request(createApiKeyRoute, { body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.all }),
  })
}

export function useRevokeApiKeyMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (keyId: string) => api.request(revokeApiKeyRoute, { params: { path: { keyId } } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.all }),
  })
}
