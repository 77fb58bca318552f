import { ERROR_CODES, ERROR_STATUS } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import { ApiError } from '@/shared/api'
import { describeError } from './error-view'

const errorOf = (code: (typeof ERROR_CODES)[number], details?: Record<string, unknown>, status?: number) =>
  new ApiError({
    status: status ?? ERROR_STATUS[code],
    code,
    message: `server says ${code}`,
    requestId: 'req-9',
    details,
  })

describe('describeError', () => {
  it('has a view for every ErrorCode', () => {
    for (const code of ERROR_CODES) expect(describeError(errorOf(code)).title).not.toBe('')
  })

  it('names the required roles of a 403', () => {
    const view = describeError(errorOf('FORBIDDEN', { requiredRoles: ['admin', 'auditor'] }))
    expect(view).toMatchObject({ kind: 'forbidden', title: "You don't have access" })
    expect(view.notes).toEqual(['Required role: Admin or Auditor.'])
  })

  it('shows the remediation of a 501 and never offers a retry', () => {
    const view = describeError(errorOf('NOT_SUPPORTED', { remediation: 'Upgrade the console.' }))
    expect(view).toMatchObject({ kind: 'not-supported', message: 'Upgrade the console.', canRetry: false })
  })

  it('shows why a sign-in was refused and what to do about it', () => {
    const view = describeError(
      errorOf('SIGN_IN_REFUSED', { reason: 'password_sign_in_disabled', remediation: 'Use Sign in with Okta.' }),
    )
    expect(view).toMatchObject({ kind: 'forbidden', title: 'Sign-in refused', notes: ['Use Sign in with Okta.'] })
    expect(view.canRetry).toBe(false)
  })

  it('offers a retry and the request id for server-side failures', () => {
    for (const code of [
      'INTERNAL',
      'UPSTREAM_UNAVAILABLE',
      'CONTRACT_VIOLATION',
      'REQUEST_TIMEOUT',
      'INSUFFICIENT_STORAGE',
    ] as const)
      expect(describeError(errorOf(code))).toMatchObject({ canRetry: true, showsRequestId: true })
    expect(describeError(errorOf('UPSTREAM_UNAVAILABLE', undefined, 504)).title).toContain('Service unavailable')
    expect(describeError(errorOf('INSUFFICIENT_STORAGE')).title).toBe('The server is out of storage')
  })

  it('carries the wait of a 429 and the issues of a 422', () => {
    expect(describeError(errorOf('RATE_LIMITED', { retryAfterSeconds: 12 })).retryAfterSeconds).toBe(12)
    const invalid = describeError(errorOf('VALIDATION_FAILED', { issues: [{ path: 'q', message: 'Too long.' }] }))
    expect(invalid.notes).toEqual(['q: Too long.'])
  })

  it('shows the server message of a 409 and a 413', () => {
    expect(describeError(errorOf('CONFLICT'))).toMatchObject({ kind: 'conflict', message: 'server says CONFLICT' })
    expect(describeError(errorOf('PAYLOAD_TOO_LARGE'))).toMatchObject({ kind: 'too-large', title: 'Too large' })
  })
})
