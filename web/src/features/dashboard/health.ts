import type { ComponentHealth, SystemHealth } from '@tg/contracts'

type Tone = 'success' | 'warning' | 'error' | 'info' | 'default'

export const COMPONENT_STATUS_VIEW: Record<ComponentHealth['status'], { label: string; tone: Tone }> = {
  ok: { label: 'OK', tone: 'success' },
  not_supported: { label: 'Not in this build', tone: 'default' },
  unavailable: { label: 'Unavailable', tone: 'error' },
  failed: { label: 'Failed', tone: 'error' },
}

export const OVERALL_STATUS_VIEW: Record<SystemHealth['status'], { label: string; tone: Tone }> = {
  ok: { label: 'OK', tone: 'success' },
  degraded: { label: 'Degraded', tone: 'error' },
}

export const DATABASE_DRIVER_LABELS: Record<SystemHealth['databaseDriver'], string> = {
  pglite: 'Embedded PGlite',
  postgres: 'PostgreSQL',
}

/** "1.2 ms" for a measured latency, null when the component reports none. */
export function formatLatency(latencyMs: number | null): string | null {
  if (latencyMs === null) return null
  return `${latencyMs < 10 ? latencyMs.toFixed(1) : Math.round(latencyMs)} ms`
}
