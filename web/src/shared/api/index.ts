export { api, createApiClient } from './client'
export type { ApiClient, ApiClientOptions } from './client'
export type { ContractRoute, DataOf, InitOf } from './contract'
export type { UploadOptions, UploadProgress, UploadRequest, UploadRoute } from './upload'
export {
  ApiError,
  isApiError,
  toApiError,
  validationIssuesOf,
  retryAfterSecondsOf,
  remediationOf,
  requiredRolesOf,
  unreachableError,
} from './api-error'
export { getCsrfToken, setCsrfToken } from './csrf'
export { eventStreamUrl, parseEventData, subscribeEvents } from './events'
export type { EventSourceLike, EventStreamOptions, EventStreamRoute, EventStreamState, LiveState } from './events'
export { COALESCE_MS, useLiveQueries } from './use-live-queries'
export type { LiveQueriesOptions } from './use-live-queries'
export { readNdjson } from './ndjson'
export type { NdjsonOptions, NdjsonRoute } from './ndjson'
