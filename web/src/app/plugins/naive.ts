import { createDiscreteApi } from 'naive-ui'
import type { ConfigProviderProps } from 'naive-ui'
import { computed } from 'vue'
import type { App } from 'vue'
import { NOTICE_KEY } from '@/shared/ui/notice'
import { darkTheme } from '../dark-theme'
import { usePreferencesStore } from '../preferences-store'
import { DARK_OVERRIDES, LIGHT_OVERRIDES } from '../theme'

/** Naive UI's discrete message API, themed like the app. Needs pinia installed first. */
export function install(app: App): void {
  const preferences = usePreferencesStore()
  const configProviderProps = computed<ConfigProviderProps>(() => ({
    theme: preferences.isDark ? darkTheme.value : null,
    themeOverrides: preferences.isDark ? DARK_OVERRIDES : LIGHT_OVERRIDES,
  }))
  // Messages render inside <main>, so that they belong to a landmark like the rest of the page.
  const { message } = createDiscreteApi(['message'], { configProviderProps, messageProviderProps: { to: '#main' } })
  app.provide(NOTICE_KEY, message)
}
