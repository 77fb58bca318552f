import type { ErrorCode } from '@tg/contracts'
import { ApiError, unreachableError } from './api-error'
import { parseResponse } from './contract'
import type { ContractRoute, DataOf } from './contract'
import { getCsrfToken } from './csrf'

const OCTET_STREAM = 'application/octet-stream'

/** A route whose request body is raw bytes (`application/octet-stream`), such as `uploadPackageRoute`. */
export type UploadRoute = ContractRoute & {
  request: { body: { content: { [OCTET_STREAM]: unknown } } }
}

/** Bytes of the body sent so far, of `total` (the size of the file). */
export type UploadProgress = { sent: number; total: number }

export type UploadOptions = {
  /** Aborting cancels the request; the promise then rejects with an AbortError DOMException, as fetch does. */
  signal?: AbortSignal
  /** Called as bytes leave the browser, and once with `sent === total` after the last byte. */
  onProgress?: (progress: UploadProgress) => void
}

/**
 * The parts of XMLHttpRequest that an upload uses. fetch reports no upload progress, so uploads
 * go through XHR; tests pass their own implementation through `createApiClient({ xhr })`.
 */
export interface UploadRequest {
  open(method: string, url: string): void
  setRequestHeader(name: string, value: string): void
  getResponseHeader(name: string): string | null
  send(body: Blob): void
  abort(): void
  readonly status: number
  readonly responseText: string
  withCredentials: boolean
  readonly upload: { addEventListener(type: 'progress' | 'load', listener: (event: ProgressEvent) => void): void }
  addEventListener(type: 'load' | 'error' | 'abort' | 'timeout', listener: () => void): void
}

/**
 * Answers without the error envelope that an upload meets from Node itself or a proxy on the way
 * (a stalled body, a proxy's size limit, a full disk): named by their status, so the console says
 * what happened instead of reporting a contract violation.
 */
const BARE_ANSWERS: Partial<Record<number, { code: ErrorCode; message: string }>> = {
  408: {
    code: 'REQUEST_TIMEOUT',
    message: 'The server stopped waiting for the file (HTTP 408 without details). Nothing was kept.',
  },
  413: {
    code: 'PAYLOAD_TOO_LARGE',
    message: 'The file is larger than a server or proxy on the way accepts (HTTP 413 without details).',
  },
  507: {
    code: 'INSUFFICIENT_STORAGE',
    message: 'The server has no room to store the file (HTTP 507 without details). Nothing was kept.',
  },
}

function bareAnswerError(status: number, error: unknown, requestId: string | null): unknown {
  const bare = BARE_ANSWERS[status]
  if (!bare || !(error instanceof ApiError) || error.code !== 'CONTRACT_VIOLATION') return error
  return new ApiError({ status, ...bare, requestId })
}

function abortError(): DOMException {
  return new DOMException('The upload was aborted.', 'AbortError')
}

/**
 * Sends `body` to an upload route with the session's CSRF token, reports progress, and parses the
 * answer exactly as `request` does: the success body through the route's schema, errors into
 * ApiError, a network failure as UPSTREAM_UNAVAILABLE. An answer may arrive before the last byte
 * left (the server refused mid-way: 413, 507, 408); it settles the upload all the same.
 */
export function sendUpload<R extends UploadRoute>(
  xhr: UploadRequest,
  url: string,
  route: R,
  body: Blob,
  options: UploadOptions = {},
): Promise<DataOf<R>> {
  const { signal, onProgress } = options
  return new Promise<DataOf<R>>((resolve, reject) => {
    if (signal?.aborted) return reject(abortError())
    const total = body.size
    const onAbortSignal = () => xhr.abort()
    const settle = (finish: () => void) => {
      signal?.removeEventListener('abort', onAbortSignal)
      finish()
    }

    xhr.upload.addEventListener('progress', (event) => onProgress?.({ sent: Math.min(event.loaded, total), total }))
    xhr.upload.addEventListener('load', () => onProgress?.({ sent: total, total }))
    xhr.addEventListener('load', () =>
      settle(() => {
        const { status } = xhr
        const meta = {
          ok: status >= 200 && status < 300,
          status,
          headers: { get: (n: string) => xhr.getResponseHeader(n) },
        }
        try {
          resolve(parseResponse(route, meta, xhr.responseText || undefined))
        } catch (error) {
          reject(bareAnswerError(status, error, xhr.getResponseHeader('X-Request-Id')))
        }
      }),
    )
    xhr.addEventListener('error', () => settle(() => reject(unreachableError())))
    xhr.addEventListener('timeout', () => settle(() => reject(unreachableError())))
    xhr.addEventListener('abort', () => settle(() => reject(abortError())))
    signal?.addEventListener('abort', onAbortSignal, { once: true })

    xhr.open(route.method.toUpperCase(), url)
    // Same-origin requests carry the session cookie; false keeps cross-origin ones without it.
    xhr.withCredentials = false
    xhr.setRequestHeader('Content-Type', OCTET_STREAM)
    xhr.setRequestHeader('Accept', 'application/json')
    const token = getCsrfToken()
    if (token) xhr.setRequestHeader('X-CSRF-Token', token)
    xhr.send(body)
  })
}
