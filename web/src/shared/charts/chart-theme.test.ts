import { describe, expect, it } from 'vitest'
import { buildChartTheme } from './chart-theme'

const COLORS = {
  primaryColor: '#0f766e',
  infoColor: '#1d4ed8',
  warningColor: '#92400e',
  errorColor: '#b91c1c',
  successColor: '#166534',
  textColor2: '#333639',
  textColor3: '#5f656b',
  dividerColor: '#efeff5',
  borderColor: '#e0e0e6',
  popoverColor: '#ffffff',
}

describe('chart theme', () => {
  it('takes its palette, text and axis colours from the app theme, on a transparent background', () => {
    const theme = buildChartTheme(COLORS)
    expect(theme.color).toEqual(['#0f766e', '#1d4ed8', '#92400e', '#b91c1c', '#166534'])
    expect(theme.backgroundColor).toBe('transparent')
    expect(theme.valueAxis.axisLabel.color).toBe('#5f656b')
    expect(theme.valueAxis.splitLine.lineStyle.color).toBe('#efeff5')
    expect(theme.tooltip.backgroundColor).toBe('#ffffff')
  })
})
