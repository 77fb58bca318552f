import type { GlobalThemeOverrides } from 'naive-ui'

/**
 * Colours chosen for WCAG AA contrast: light mode uses dark primaries (white button text on
 * teal-700 is 5.5:1, green-800 tag text on its tint over 6:1); dark mode uses light primaries with
 * Naive's black button text, and lifts the secondary text colour above 4.5:1 on cards and modals.
 */
const LIGHT_COLORS = {
  primary: ['#0f766e', '#115e59', '#134e4a'],
  info: ['#1d4ed8', '#1e40af', '#1e3a8a'],
  success: ['#166534', '#14532d', '#14532d'],
  warning: ['#92400e', '#78350f', '#78350f'],
  error: ['#b91c1c', '#991b1b', '#7f1d1d'],
} as const

const DARK_COLORS = {
  primary: ['#2dd4bf', '#5eead4', '#14b8a6'],
  info: ['#60a5fa', '#93c5fd', '#3b82f6'],
  success: ['#4ade80', '#86efac', '#22c55e'],
  warning: ['#fbbf24', '#fcd34d', '#f59e0b'],
  error: ['#f87171', '#fca5a5', '#ef4444'],
} as const

type Palette = typeof LIGHT_COLORS | typeof DARK_COLORS

function commonOf(colors: Palette) {
  const common: Record<string, string> = {}
  for (const [name, [base, hover, pressed]] of Object.entries(colors)) {
    common[`${name}Color`] = base
    common[`${name}ColorHover`] = hover
    common[`${name}ColorPressed`] = pressed
    common[`${name}ColorSuppl`] = hover
  }
  return common
}

export const LIGHT_OVERRIDES: GlobalThemeOverrides = {
  common: { ...commonOf(LIGHT_COLORS), textColor3: '#5f656b', fontSize: '15px' },
}

export const DARK_OVERRIDES: GlobalThemeOverrides = {
  common: { ...commonOf(DARK_COLORS), textColor3: 'rgba(255, 255, 255, 0.62)', fontSize: '15px' },
}
