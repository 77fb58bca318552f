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

function storageMessage(
  storage: StorageHealth,
  failure: BlobStoreError | null,
  label: string,
  isObjectStore: boolean,
): string {
  const { freeBytes, totalBytes, minFreeBytes } = storage
  const free = `${formatBytes(freeBytes ?? 0)} free of ${formatBytes(totalBytes ?? 0)}`
  const Label = label.charAt(0).toUpperCase() + label.slice(1)
  if (failure)
    return `${Label} not writable: ${failure.reason} (${failure.code}).${freeBytes === null ? '' : ` ${free}.`}`
  if (isObjectStore) return `${label} writable.`
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
  const space = await blobs.space().catch(() => undefined)
  // An object store has no free space to measure (space() is null): it is never low.
  const isObjectStore = space === null
  const storage: StorageHealth = {
    writable: failure === null,
    freeBytes: space?.freeBytes ?? null,
    totalBytes: space?.totalBytes ?? null,
    minFreeBytes,
  }
  const total = counts?.total ?? 0
  const packages = `${total} package${total === 1 ? '' : 's'}`
  const latencyMs = Math.round((performance.now() - started) * 100) / 100
  const message = (f: BlobStoreError | null) => storageMessage(storage, f, blobs.label, isObjectStore)
  // `storage` describes a disk: an object store has none to show (its message names the bucket).
  const disk = isObjectStore ? {} : { storage }
  if (failure) return { ...base, status: 'unavailable', message: message(failure), latencyMs, ...disk }
  const isLow = !isObjectStore && (storage.freeBytes === null || storage.freeBytes < minFreeBytes)
  const text = isLow ? `${message(null)} ${packages}.` : `${packages}; ${message(null)}`
  return { ...base, status: isLow ? 'degraded' : 'ok', message: text, latencyMs, ...disk }
}
