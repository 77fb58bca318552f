import { describe, expect, it } from 'vitest'
import { ERROR_CODES, ERROR_STATUS, ErrorEnvelopeSchema, errorResponses } from './errors'

describe('the error vocabulary', () => {
  it('maps the required codes to their statuses', () => {
    expect(ERROR_STATUS).toMatchObject({
      UNAUTHENTICATED: 401,
      FORBIDDEN: 403,
      NOT_FOUND: 404,
      CONFLICT: 409,
      PAYLOAD_TOO_LARGE: 413,
      UNSUPPORTED_MEDIA_TYPE: 415,
      VALIDATION_FAILED: 422,
      RATE_LIMITED: 429,
      INTERNAL: 500,
      NOT_SUPPORTED: 501,
      UPSTREAM_UNAVAILABLE: 503,
      CONTRACT_VIOLATION: 502,
    })
    expect(ERROR_CODES).toHaveLength(Object.keys(ERROR_STATUS).length)
  })

  it('accepts a well-formed envelope and rejects unknown codes or missing request ids', () => {
    const ok = { error: { code: 'NOT_FOUND', message: 'User not found.', requestId: 'r1' } }
    expect(ErrorEnvelopeSchema.parse(ok)).toEqual(ok)
    expect(ErrorEnvelopeSchema.safeParse({ error: { ...ok.error, code: 'TEAPOT' } }).success).toBe(false)
    expect(ErrorEnvelopeSchema.safeParse({ error: { code: 'NOT_FOUND', message: 'x' } }).success).toBe(false)
  })

  it('documents only the statuses asked for, each with the envelope', () => {
    const responses = errorResponses(401, 422)
    expect(Object.keys(responses)).toEqual(['401', '422'])
    expect(responses[422].content['application/json'].schema).toBe(ErrorEnvelopeSchema)
  })
})
