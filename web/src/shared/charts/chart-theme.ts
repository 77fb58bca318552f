/** The colours of the app's current Naive UI theme that a chart uses. */
export type ChartThemeColors = {
  primaryColor: string
  infoColor: string
  warningColor: string
  errorColor: string
  successColor: string
  textColor2: string
  textColor3: string
  dividerColor: string
  borderColor: string
  popoverColor: string
}

/**
 * An ECharts theme from the app's theme colours, so that charts follow light and dark mode with
 * the same contrast-checked colours as the rest of the console. Series take the palette in order:
 * primary, info, warning, error, success.
 */
export function buildChartTheme(colors: ChartThemeColors) {
  const axis = {
    axisLine: { lineStyle: { color: colors.borderColor } },
    axisTick: { lineStyle: { color: colors.borderColor } },
    axisLabel: { color: colors.textColor3 },
    splitLine: { lineStyle: { color: colors.dividerColor } },
    nameTextStyle: { color: colors.textColor3 },
  }
  return {
    color: [colors.primaryColor, colors.infoColor, colors.warningColor, colors.errorColor, colors.successColor],
    backgroundColor: 'transparent',
    textStyle: { color: colors.textColor2 },
    legend: { textStyle: { color: colors.textColor2 } },
    tooltip: {
      backgroundColor: colors.popoverColor,
      borderColor: colors.borderColor,
      textStyle: { color: colors.textColor2 },
    },
    valueAxis: axis,
    categoryAxis: axis,
  }
}
