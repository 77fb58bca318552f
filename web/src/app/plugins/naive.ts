import type { ConfigProviderProps, MessageApi } from 'naive-ui'
import { computed } from 'vue'
import type { App } from 'vue'
import { NOTICE_KEY } from '@/shared/ui/notice'
import type { Notice } from '@/shared/ui/notice'
import { darkTheme } from '../dark-theme'
import { usePreferencesStore } from '../preferences-store'
import { DARK_OVERRIDES, LIGHT_OVERRIDES } from '../theme'

/**
 * Naive UI's discrete message API, themed like the app, behind `useNotice()`. Its code loads with
 * the first notice (a notice follows an action, never a first page). Needs pinia installed first.
 */
export function install(app: App): void {
  const preferences = usePreferencesStore()
  const configProviderProps = computed<ConfigProviderProps>(() => ({
    theme: preferences.isDark ? darkTheme.value : null,
    themeOverrides: preferences.isDark ? DARK_OVERRIDES : LIGHT_OVERRIDES,
  }))
  let message: Promise<MessageApi> | null = null
  // Messages render inside <main>, so that they belong to a landmark like the rest of the page.
  const load = () =>
    (message ??= import('./naive-discrete').then(
      ({ createDiscreteApi }) =>
        createDiscreteApi(['message'], { configProviderProps, messageProviderProps: { to: '#main' } }).message,
    ))
  const show = (type: keyof Notice) => (text: string) => {
    void load().then((api) => api[type](text))
  }
  const notice: Notice = {
    success: show('success'),
    error: show('error'),
    warning: show('warning'),
    info: show('info'),
  }
  app.provide(NOTICE_KEY, notice)
}
