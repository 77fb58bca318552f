import { describe, expect, it } from 'vitest'
import { ApiError } from '@/shared/api'
import { percentOf, stateOfFailure, stateOfProgress } from './upload-state'

const EXISTING = '0b3a8f0e-8a5e-4d55-9d0f-3c1f6f7d2a10'
const PASS = { ok: true, reason: null }
const CHECKS = {
  structure: PASS,
  hashes: PASS,
  signatures: PASS,
  signer: { ok: false, reason: 'untrusted' },
  identity: PASS,
}

const apiError = (status: number, code: ApiError['code'], details?: Record<string, unknown>) =>
  new ApiError({ status, code, message: `server says ${code}`, requestId: 'req-1', details })

describe('upload progress', () => {
  it('is sending until the last byte left, then verifying on the server', () => {
    expect(stateOfProgress({ sent: 5, total: 10 })).toEqual({ phase: 'sending', sent: 5, total: 10 })
    expect(stateOfProgress({ sent: 10, total: 10 })).toEqual({ phase: 'verifying', total: 10 })
  })

  it('rounds the percent down and reaches 100 only with the last byte', () => {
    expect(percentOf(0, 10)).toBe(0)
    expect(percentOf(999, 1000)).toBe(99)
    expect(percentOf(1, 3)).toBe(33)
    expect(percentOf(10, 10)).toBe(100)
    expect(percentOf(0, 0)).toBe(100)
  })
})

describe('upload failures', () => {
  it('is cancelled when the request was aborted', () => {
    expect(stateOfFailure(new DOMException('aborted', 'AbortError'))).toEqual({ phase: 'cancelled' })
  })

  it('lists the checks of a 422 PACKAGE_REJECTED', () => {
    const error = apiError(422, 'PACKAGE_REJECTED', {
      checks: CHECKS,
      packageId: '0123456789abcdef',
      modelVersion: '2',
    })
    expect(stateOfFailure(error)).toEqual({
      phase: 'rejected',
      checks: CHECKS,
      packageId: '0123456789abcdef',
      modelVersion: '2',
    })
  })

  it('links a 409 duplicate to the existing package', () => {
    const error = apiError(409, 'CONFLICT', {
      field: 'content',
      existingId: EXISTING,
      link: `/api/v1/tgsp/packages/${EXISTING}`,
    })
    expect(stateOfFailure(error)).toMatchObject({ phase: 'duplicate', existingId: EXISTING })
  })

  it('leaves every other error, and rejections without checks, to the shared error view', () => {
    expect(stateOfFailure(apiError(413, 'PAYLOAD_TOO_LARGE'))).toMatchObject({
      phase: 'failed',
      error: { status: 413 },
    })
    expect(stateOfFailure(apiError(422, 'PACKAGE_REJECTED', { checks: 'none' }))).toMatchObject({ phase: 'failed' })
    expect(stateOfFailure(apiError(409, 'CONFLICT', { field: 'name' }))).toMatchObject({ phase: 'failed' })
    expect(stateOfFailure(new Error('boom'))).toMatchObject({ phase: 'failed', error: { code: 'INTERNAL' } })
  })
})
