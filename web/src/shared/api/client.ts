import { getSessionRoute, completeSetupRoute, signInRoute, signOutRoute } from '@tg/contracts'
import type { paths } from '@tg/contracts/generated'
import createClient from 'openapi-fetch'
import type { Middleware } from 'openapi-fetch'
import { unreachableError } from './api-error'
import { parseResponse } from './contract'
import type { ContractRoute, DataOf, InitArgs, InitOf } from './contract'
import { getCsrfToken, setCsrfToken } from './csrf'
import { sendUpload } from './upload'
import type { UploadOptions, UploadRequest, UploadRoute } from './upload'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const SESSION_ROUTES: ReadonlySet<ContractRoute> = new Set([getSessionRoute, signInRoute, completeSetupRoute])

const csrfMiddleware: Middleware = {
  onRequest({ request }) {
    const token = getCsrfToken()
    if (!SAFE_METHODS.has(request.method) && token) request.headers.set('X-CSRF-Token', token)
    return request
  },
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError'
}

export type ApiClientOptions = {
  baseUrl?: string
  fetch?: (request: Request) => Promise<Response>
  /** Makes the XMLHttpRequest of an upload (fetch reports no upload progress). */
  xhr?: () => UploadRequest
}

/**
 * The console's API client: typed requests from the generated `paths`, every response parsed by
 * the route's zod schema from @tg/contracts, every failure thrown as an ApiError.
 */
export function createApiClient(options: ApiClientOptions = {}) {
  const http = createClient<paths>({
    baseUrl: options.baseUrl ?? '',
    credentials: 'same-origin',
    fetch: options.fetch ?? ((request) => fetch(request)),
  })
  http.use(csrfMiddleware)

  async function request<R extends ContractRoute, I extends InitOf<R>>(
    route: R,
    ...[init]: InitArgs<I>
  ): Promise<DataOf<R>> {
    let result: { response: Response; data?: unknown; error?: unknown }
    try {
      const method = route.method as 'get'
      result = await http.request(method, route.path as '/healthz', { ...init, parseAs: 'text' } as never)
    } catch (error) {
      if (isAbort(error)) throw error
      throw unreachableError()
    }
    const raw = result.response.ok ? result.data : result.error
    const body = typeof raw === 'string' ? raw : raw === undefined ? undefined : JSON.stringify(raw)
    const data = parseResponse(route, result.response, body)
    rememberCsrf(route, data)
    return data
  }

  const makeXhr = options.xhr ?? (() => new XMLHttpRequest())

  /**
   * Uploads a file or blob as the raw body of `route` (application/octet-stream) with progress
   * and cancellation; the answer is parsed like `request`'s.
   */
  function upload<R extends UploadRoute>(route: R, body: Blob, uploadOptions?: UploadOptions): Promise<DataOf<R>> {
    return sendUpload(makeXhr(), `${options.baseUrl ?? ''}${route.path}`, route, body, uploadOptions)
  }

  return { request, upload }
}

function rememberCsrf(route: ContractRoute, data: unknown): void {
  if (route === signOutRoute) setCsrfToken(null)
  else if (SESSION_ROUTES.has(route) && data && typeof data === 'object' && 'csrfToken' in data)
    setCsrfToken(String(data.csrfToken))
}

export type ApiClient = ReturnType<typeof createApiClient>

/** The client used by the whole console. */
export const api: ApiClient = createApiClient()
