export { api, createApiClient } from './client'
export type { ApiClient, ApiClientOptions } from './client'
export type { ContractRoute, DataOf, InitOf } from './contract'
export {
  ApiError,
  isApiError,
  toApiError,
  validationIssuesOf,
  retryAfterSecondsOf,
  remediationOf,
  requiredRolesOf,
} from './api-error'
export { getCsrfToken, setCsrfToken } from './csrf'
