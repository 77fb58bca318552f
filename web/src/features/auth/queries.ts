import { queryOptions, useMutation, useQueryClient } from '@tanstack/vue-query'
import {
  changePasswordRoute,
  completePasswordResetRoute,
  completeSetupRoute,
  getSetupStatusRoute,
  getSignInOptionsRoute,
  signInRoute,
  signOutRoute,
} from '@tg/contracts'
import type {
  ChangePasswordBody,
  CompletePasswordResetBody,
  CompleteSetupBody,
  SessionResponse,
  SignInBody,
} from '@tg/contracts'
import { api, isApiError } from '@/shared/api'
import { SESSION_QUERY_KEY } from '@/shared/session/session-query'

export { sessionQuery } from '@/shared/session/session-query'

export const authKeys = {
  all: ['auth'] as const,
  session: () => SESSION_QUERY_KEY,
  setupStatus: () => [...authKeys.all, 'setup-status'] as const,
  signInOptions: () => [...authKeys.all, 'sign-in-options'] as const,
}

/** Single sign-on (its button) and whether passwords are enabled: server configuration. */
export const signInOptionsQuery = () =>
  queryOptions({
    queryKey: authKeys.signInOptions(),
    queryFn: ({ signal }) => api.request(getSignInOptionsRoute, { signal }),
    staleTime: Infinity,
  })

export const setupStatusQuery = () =>
  queryOptions({
    queryKey: authKeys.setupStatus(),
    queryFn: ({ signal }) => api.request(getSetupStatusRoute, { signal }),
  })

/** A new session replaces everything cached for the previous one. */
function useStartSession() {
  const queryClient = useQueryClient()
  return (session: SessionResponse) => {
    queryClient.clear()
    queryClient.setQueryData(authKeys.session(), session)
  }
}

export function useSignInMutation() {
  const startSession = useStartSession()
  return useMutation({
    mutationFn: (body: SignInBody) => api.request(signInRoute, { body }),
    onSuccess: startSession,
  })
}

export function useCompleteSetupMutation() {
  const queryClient = useQueryClient()
  const startSession = useStartSession()
  return useMutation({
    mutationFn: (body: CompleteSetupBody) => api.request(completeSetupRoute, { body }),
    onSuccess: (session) => {
      startSession(session)
      queryClient.setQueryData(authKeys.setupStatus(), { setupRequired: false })
    },
    onError: () => queryClient.invalidateQueries({ queryKey: authKeys.setupStatus() }),
  })
}

/** Signs out; the cache is cleared whether the server ended the session or it had already ended. */
export function useSignOutMutation() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => api.request(signOutRoute),
    onSettled: (_data, error) => {
      if (!error || (isApiError(error) && error.status === 401)) queryClient.clear()
    },
  })
}

/** Changes the signed-in user's password; the server ends their other sessions, this one stays. */
export function useChangePasswordMutation() {
  return useMutation({ mutationFn: (body: ChangePasswordBody) => api.request(changePasswordRoute, { body }) })
}

/** Sets a new password with a one-time reset link; the user then signs in with it. */
export function useCompletePasswordResetMutation() {
  return useMutation({
    mutationFn: (body: CompletePasswordResetBody) => api.request(completePasswordResetRoute, { body }),
  })
}
