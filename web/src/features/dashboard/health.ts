import type { ComponentHealth, StorageHealth, SystemHealth } from '@tg/contracts'
import { formatBytes } from '@/shared/ui/format'

type Tone = 'success' | 'warning' | 'error' | 'info' | 'default'

export const COMPONENT_STATUS_VIEW: Record<ComponentHealth['status'], { label: string; tone: Tone }> = {
  ok: { label: 'OK', tone: 'success' },
  degraded: { label: 'Degraded', tone: 'warning' },
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

/** "Disk: 40 GiB free of 100 GiB", with "not writable" when a probe write failed; null without storage. */
export function formatStorage(storage: StorageHealth | undefined): string | null {
  if (!storage) return null
  const { freeBytes, totalBytes, writable } = storage
  const space =
    freeBytes === null ? 'free space unknown' : `${formatBytes(freeBytes)} free of ${formatBytes(totalBytes ?? 0)}`
  return `Disk: ${space}${writable ? '' : ', not writable'}`
}
