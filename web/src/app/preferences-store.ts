import { usePreferredDark, useLocalStorage } from '@vueuse/core'
import { defineStore } from 'pinia'
import { computed } from 'vue'

export type ColorScheme = 'light' | 'dark' | 'system'
const SCHEMES: readonly ColorScheme[] = ['light', 'dark', 'system']

export const COLOR_SCHEME_STORAGE_KEY = 'tg.colorScheme'

/** Client preferences only (never server data), kept in localStorage. */
export const usePreferencesStore = defineStore('preferences', () => {
  const colorScheme = useLocalStorage<ColorScheme>(COLOR_SCHEME_STORAGE_KEY, 'system', {
    serializer: {
      read: (raw) => (SCHEMES.includes(raw as ColorScheme) ? (raw as ColorScheme) : 'system'),
      write: (value) => value,
    },
  })
  const prefersDark = usePreferredDark()
  const isDark = computed(() => (colorScheme.value === 'system' ? prefersDark.value : colorScheme.value === 'dark'))

  function toggleDark() {
    colorScheme.value = isDark.value ? 'light' : 'dark'
  }

  return { colorScheme, isDark, toggleDark }
})
