import { describe, expect, it } from 'vitest'
import { ApiError } from '@/shared/api'
import type { ApiErrorInit } from '@/shared/api/api-error'
import { shouldRetry } from './query-client'

const error = (init: Pick<ApiErrorInit, 'status' | 'code'>) => new ApiError({ ...init, message: 'x', requestId: 'r' })

describe('shouldRetry', () => {
  it('never retries client errors', () => {
    expect(shouldRetry(0, error({ status: 403, code: 'FORBIDDEN' }))).toBe(false)
    expect(shouldRetry(0, error({ status: 429, code: 'RATE_LIMITED' }))).toBe(false)
  })

  it('never retries NOT_SUPPORTED or CONTRACT_VIOLATION', () => {
    expect(shouldRetry(0, error({ status: 501, code: 'NOT_SUPPORTED' }))).toBe(false)
    expect(shouldRetry(0, error({ status: 502, code: 'CONTRACT_VIOLATION' }))).toBe(false)
  })

  it('retries a server failure once', () => {
    const unavailable = error({ status: 503, code: 'UPSTREAM_UNAVAILABLE' })
    expect(shouldRetry(0, unavailable)).toBe(true)
    expect(shouldRetry(1, unavailable)).toBe(false)
    expect(shouldRetry(0, error({ status: 500, code: 'INTERNAL' }))).toBe(true)
  })
})
