import type { GlobalTheme } from 'naive-ui'
import { shallowRef } from 'vue'

/**
 * Naive UI's dark theme: the dark styles of every component, about 15 KB of gzip. It is loaded
 * the first time dark mode is on (before the first paint when the page opens in dark mode), so
 * a page in light mode never downloads it.
 */
export const darkTheme = shallowRef<GlobalTheme | null>(null)

let loading: Promise<void> | null = null

export function loadDarkTheme(): Promise<void> {
  loading ??= import('./dark-theme-styles').then(
    (styles) => {
      darkTheme.value = styles.darkTheme
    },
    (error: unknown) => {
      loading = null // the next switch to dark mode tries again
      throw error
    },
  )
  return loading
}
