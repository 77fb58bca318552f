import { describe, expect, it } from 'vitest'
import { decodeRoundCursor, encodeRoundCursor } from './cursor'

describe('round cursor', () => {
  it('round-trips every index a round can have', () => {
    for (const index of [0, 1, 99, 4095, 123_456, 10_000_000])
      expect(decodeRoundCursor(encodeRoundCursor(index))).toBe(index)
    expect(encodeRoundCursor(42)).toMatch(/^[A-Za-z0-9_-]+$/)
  })

  it('refuses what it did not make', () => {
    const forged = ['', 'x', '!!!!', 'round:1', btoa('round:-1'), btoa('round:01'), btoa('round:1e3'), btoa('r:1')]
    for (const cursor of [...forged, btoa('round:123456789'), 'a'.repeat(40), btoa('round:1\u0000')])
      expect(decodeRoundCursor(cursor), cursor).toBeNull()
  })
})
