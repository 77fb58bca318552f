import { describe, expect, it } from 'vitest'
import { safeRedirectOf, linkTokenOf } from './safe-redirect'

describe('safeRedirectOf', () => {
  it('keeps an in-app path with its query', () => {
    expect(safeRedirectOf('/admin/users?role=admin')).toBe('/admin/users?role=admin')
  })

  it('refuses anything that could leave the console', () => {
    expect(safeRedirectOf('https://evil.example')).toBe('/')
    expect(safeRedirectOf('//evil.example')).toBe('/')
    expect(safeRedirectOf('/\\evil.example')).toBe('/')
    expect(safeRedirectOf(undefined)).toBe('/')
    expect(safeRedirectOf('/sign-in?redirect=/x')).toBe('/')
  })
})

describe('linkTokenOf', () => {
  it('reads the token of the setup link', () => {
    expect(linkTokenOf('#token=abc_DEF-123')).toBe('abc_DEF-123')
    expect(linkTokenOf('')).toBeNull()
    expect(linkTokenOf('#other=1')).toBeNull()
  })
})
