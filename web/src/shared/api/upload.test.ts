import { uploadPackageRoute } from '@tg/contracts'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiError } from './api-error'
import { createApiClient } from './client'
import { setCsrfToken } from './csrf'
import { CHECKS, packageDetailBody } from './package-detail.fixture'
import type { UploadProgress, UploadRequest } from './upload'

const BASE = 'http://console.test'
const DETAIL = packageDetailBody()

type Listener = () => void
type ProgressListener = (event: ProgressEvent) => void

/** An XMLHttpRequest that records what was sent and answers when the test says so. */
class ScriptedRequest implements UploadRequest {
  method = ''
  url = ''
  headers: Record<string, string> = {}
  sentBody: Blob | null = null
  aborted = false
  status = 0
  responseText = ''
  withCredentials = true
  responseHeaders: Record<string, string> = {}
  private listeners: Record<string, Listener[]> = {}
  private uploadListeners: Record<string, ProgressListener[]> = {}
  readonly upload = {
    addEventListener: (type: string, listener: ProgressListener) => {
      ;(this.uploadListeners[type] ??= []).push(listener)
    },
  }

  open(method: string, url: string) {
    this.method = method
    this.url = url
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name.toLowerCase()] = value
  }
  getResponseHeader(name: string) {
    return this.responseHeaders[name.toLowerCase()] ?? null
  }
  send(body: Blob) {
    this.sentBody = body
  }
  abort() {
    this.aborted = true
    this.emit('abort')
  }
  addEventListener(type: string, listener: Listener) {
    ;(this.listeners[type] ??= []).push(listener)
  }

  progress(loaded: number) {
    for (const listener of this.uploadListeners.progress ?? []) listener({ loaded } as ProgressEvent)
  }
  finishSending() {
    for (const listener of this.uploadListeners.load ?? [])
      listener({ loaded: this.sentBody?.size ?? 0 } as ProgressEvent)
  }
  respond(status: number, body: unknown, headers: Record<string, string> = {}) {
    this.status = status
    this.responseText = typeof body === 'string' ? body : JSON.stringify(body)
    this.responseHeaders = { 'x-request-id': 'req-header', ...headers }
    this.emit('load')
  }
  emit(type: string) {
    for (const listener of this.listeners[type] ?? []) listener()
  }
}

function uploading(size = 10, signal?: AbortSignal) {
  const xhr = new ScriptedRequest()
  const progress: UploadProgress[] = []
  const client = createApiClient({ baseUrl: BASE, xhr: () => xhr })
  const file = new Blob([new Uint8Array(size)])
  const result = client.upload(uploadPackageRoute, file, { signal, onProgress: (p) => progress.push(p) })
  return { xhr, progress, result, file }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the upload to fail')
}

afterEach(() => setCsrfToken(null))

describe('api.upload', () => {
  it('sends the file as application/octet-stream with the CSRF token, same-origin, and parses the 201', async () => {
    setCsrfToken('csrf-1')
    const { xhr, result, file } = uploading()
    expect(xhr.method).toBe('POST')
    expect(xhr.url).toBe(`${BASE}/api/v1/tgsp/packages`)
    expect(xhr.headers['content-type']).toBe('application/octet-stream')
    expect(xhr.headers['x-csrf-token']).toBe('csrf-1')
    expect(xhr.withCredentials).toBe(false)
    expect(xhr.sentBody).toBe(file)
    xhr.respond(201, DETAIL)
    const detail = await result
    expect(detail.modelName).toBe('llama-lora')
    expect(detail.checks.signer.ok).toBe(true)
  })

  it('reports bytes sent of the total, and the total once the last byte left', async () => {
    const { xhr, progress, result } = uploading(10)
    xhr.progress(4)
    xhr.progress(10)
    xhr.finishSending()
    expect(progress).toEqual([
      { sent: 4, total: 10 },
      { sent: 10, total: 10 },
      { sent: 10, total: 10 },
    ])
    xhr.respond(201, DETAIL)
    await result
  })

  it('turns 422 PACKAGE_REJECTED into an ApiError that carries the checks', async () => {
    const { xhr, result } = uploading()
    const details = {
      checks: { ...CHECKS, signer: { ok: false, reason: 'untrusted signer' } },
      packageId: null,
      modelVersion: null,
    }
    xhr.respond(422, { error: { code: 'PACKAGE_REJECTED', message: 'Rejected.', requestId: 'req-7', details } })
    const error = await rejection(result)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({
      status: 422,
      code: 'PACKAGE_REJECTED',
      requestId: 'req-7',
      message: 'Rejected.',
      details,
    })
  })

  it('reports a success body that fails its schema as CONTRACT_VIOLATION with the header request id', async () => {
    const { xhr, result } = uploading()
    xhr.respond(201, { ...DETAIL, status: 'pending' })
    expect(await rejection(result)).toMatchObject({ status: 502, code: 'CONTRACT_VIOLATION', requestId: 'req-header' })
  })

  it('reports a gateway page as UPSTREAM_UNAVAILABLE and a network failure as 503 without request id', async () => {
    const gateway = uploading()
    gateway.xhr.respond(504, 'Gateway Timeout')
    expect(await rejection(gateway.result)).toMatchObject({ status: 504, code: 'UPSTREAM_UNAVAILABLE' })
    const offline = uploading()
    offline.xhr.emit('error')
    expect(await rejection(offline.result)).toMatchObject({
      status: 503,
      code: 'UPSTREAM_UNAVAILABLE',
      requestId: null,
    })
  })

  it('settles with the 507 that arrives while the file is still being sent, as its error envelope says', async () => {
    const { xhr, progress, result } = uploading(10)
    xhr.progress(4)
    const envelope = {
      error: {
        code: 'INSUFFICIENT_STORAGE',
        message: 'The server could not store the package: the package store is full. Nothing was kept.',
        requestId: 'req-9',
        details: { cause: 'ENOSPC' },
      },
    }
    xhr.respond(507, envelope, { connection: 'close' })
    expect(await rejection(result)).toMatchObject({ status: 507, code: 'INSUFFICIENT_STORAGE', requestId: 'req-9' })
    expect(progress).toEqual([{ sent: 4, total: 10 }])
  })

  it('names a bare 408, 413 or 507 of a proxy or of Node by its status, not as a contract violation', async () => {
    const cases = [
      [408, 'REQUEST_TIMEOUT'],
      [413, 'PAYLOAD_TOO_LARGE'],
      [507, 'INSUFFICIENT_STORAGE'],
    ] as const
    for (const [status, code] of cases) {
      const { xhr, result } = uploading()
      xhr.respond(status, '', {})
      expect(await rejection(result)).toMatchObject({ status, code, requestId: 'req-header' })
    }
    const odd = uploading()
    odd.xhr.respond(418, '')
    expect(await rejection(odd.result)).toMatchObject({ code: 'CONTRACT_VIOLATION' })
  })

  it('aborts the request when the signal aborts and rejects with an AbortError, like fetch', async () => {
    const controller = new AbortController()
    const { xhr, result } = uploading(10, controller.signal)
    xhr.progress(3)
    controller.abort()
    expect(xhr.aborted).toBe(true)
    const error = await rejection(result)
    expect(error).toBeInstanceOf(DOMException)
    expect((error as DOMException).name).toBe('AbortError')
  })

  it('sends nothing when the signal is already aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    const { xhr, result } = uploading(10, controller.signal)
    expect((await rejection(result)) as DOMException).toMatchObject({ name: 'AbortError' })
    expect(xhr.sentBody).toBeNull()
  })
})
