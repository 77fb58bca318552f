import { darkTheme as naiveDarkTheme } from 'naive-ui'
import { describe, expect, it } from 'vitest'
import { darkTheme, loadDarkTheme } from './dark-theme'

describe('the dark theme', () => {
  it('is absent until dark mode asks for it, then is naive-ui dark theme, loaded once', async () => {
    expect(darkTheme.value).toBeNull()
    const first = loadDarkTheme()
    expect(loadDarkTheme()).toBe(first)
    await first
    expect(darkTheme.value).toBe(naiveDarkTheme)
  })
})
