import { sql } from 'drizzle-orm'
import type { ComponentHealth, StorageHealth } from '@tg/contracts'
import type { Db } from '../../db/client'
import { tgspPackages } from '../../db/schema'
import { toBlobStoreError } from './blob-errors'
import type { BlobStoreError } from './blob-errors'
import type { BlobStore } from './blobs'

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

/** "1.5 GiB" */
export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`
}

function storageMessage(storage: StorageHealth, failure: BlobStoreError | null): string {
  const { freeBytes, totalBytes, minFreeBytes } = storage
  const free = `${formatBytes(freeBytes ?? 0)} free of ${formatBytes(totalBytes ?? 0)}`
  if (failure)
    return `Blob store not writable: ${failure.reason} (${failure.code}).${freeBytes === null ? '' : ` ${free}.`}`
  if (freeBytes === null) return 'Blob store writable, but its free space is unknown.'
  if (freeBytes < minFreeBytes)
    return `Blob store writable, but ${free}: below the ${formatBytes(minFreeBytes)} an upload may need.`
  return `blob store writable, ${free}.`
}

/**
 * The marketplace's health: its packages and its blob store, probed with a real write (a full
 * disk fails it) and measured with statfs. Unavailable when the store cannot write; degraded
 * when its free space is below `minFreeBytes` (the larger of the upload limit and the floor).
 */
export async function tgspHealth(
  { db, blobs }: { db: Db; blobs: BlobStore },
  minFreeBytes: number,
): Promise<ComponentHealth> {
  const started = performance.now()
  const base = { name: 'tgsp', label: 'Marketplace', kind: 'module' as const }
  const [counts] = await db.select({ total: sql<number>`count(*)::int` }).from(tgspPackages)
  const failure = await blobs.probe().then(
    () => null,
    (err: unknown) => toBlobStoreError(err),
  )
  const space = await blobs.space().catch(() => null)
  const storage: StorageHealth = {
    writable: failure === null,
    freeBytes: space?.freeBytes ?? null,
    totalBytes: space?.totalBytes ?? null,
    minFreeBytes,
  }
  const total = counts?.total ?? 0
  const packages = `${total} package${total === 1 ? '' : 's'}`
  const latencyMs = Math.round((performance.now() - started) * 100) / 100
  if (failure) return { ...base, status: 'unavailable', message: storageMessage(storage, failure), latencyMs, storage }
  const isLow = storage.freeBytes === null || storage.freeBytes < minFreeBytes
  const message = isLow
    ? `${storageMessage(storage, null)} ${packages}.`
    : `${packages}; ${storageMessage(storage, null)}`
  return { ...base, status: isLow ? 'degraded' : 'ok', message, latencyMs, storage }
}
