import { describe, expect, it } from 'vitest'
import { SealError, createSealer } from './seal'

describe('sealed secrets', () => {
  const sealer = createSealer('a master key that is long enough 0123456789')
  const secret = new TextEncoder().encode('signing key bytes')

  it('round-trips and never stores the plaintext', () => {
    const sealed = sealer.seal(secret, 'audit-key:1')
    expect(sealed).not.toContain('signing key bytes')
    expect(sealed).not.toContain(Buffer.from(secret).toString('base64'))
    expect(new TextDecoder().decode(sealer.open(sealed, 'audit-key:1'))).toBe('signing key bytes')
    expect(sealer.seal(secret, 'audit-key:1')).not.toBe(sealed)
  })

  it('refuses another purpose, another master key, and any edited byte', () => {
    const sealed = sealer.seal(secret, 'audit-key:1')
    expect(() => sealer.open(sealed, 'audit-key:2')).toThrow(SealError)
    expect(() => createSealer('another master key, also long enough 9876').open(sealed, 'audit-key:1')).toThrow(
      SealError,
    )
    const parsed = JSON.parse(sealed) as Record<string, string>
    const ct = Buffer.from(parsed.ct as string, 'base64')
    ct[0] = (ct[0] as number) ^ 1
    expect(() => sealer.open(JSON.stringify({ ...parsed, ct: ct.toString('base64') }), 'audit-key:1')).toThrow(
      SealError,
    )
  })
})
