// The parts of ECharts the console uses, registered once: line, bar and radar charts on a grid,
// with tooltips, a legend and marked areas (status bands), drawn on canvas. Importing from
// `echarts/core` keeps the rest out of the bundle; a chart that needs more registers it here.
import { BarChart, LineChart, RadarChart } from 'echarts/charts'
import type { BarSeriesOption, LineSeriesOption, RadarSeriesOption } from 'echarts/charts'
import {
  GridComponent,
  LegendPlainComponent,
  MarkAreaComponent,
  RadarComponent,
  TooltipComponent,
} from 'echarts/components'
import type {
  GridComponentOption,
  LegendComponentOption,
  RadarComponentOption,
  TooltipComponentOption,
} from 'echarts/components'
import { init, use } from 'echarts/core'
import type { ComposeOption } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'

use([
  LineChart,
  BarChart,
  RadarChart,
  GridComponent,
  LegendPlainComponent,
  MarkAreaComponent,
  RadarComponent,
  TooltipComponent,
  CanvasRenderer,
])

/** An option built only from what is registered here. */
export type ChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | RadarSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | RadarComponentOption
  | TooltipComponentOption
>

export { init as initChart }
