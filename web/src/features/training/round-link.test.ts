import { decodeRoundCursor } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import { roundLinkOf } from './round-link'

describe('roundLinkOf', () => {
  it('opens the page that starts at the round (newest first) and marks it, keeping other query values', () => {
    const link = roundLinkOf('/training/runs/abc', { rounds: 'old', round: '3', tab: 'x' }, 41)
    const url = new URL(link, 'https://console.example')
    expect(url.pathname).toBe('/training/runs/abc')
    expect(decodeRoundCursor(url.searchParams.get('rounds') ?? '')).toBe(42)
    expect(url.searchParams.get('round')).toBe('41')
    expect(url.searchParams.get('tab')).toBe('x')
  })
})
