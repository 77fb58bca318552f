/**
 * When the producer says the package was made: the manifest's `created_at` (Unix seconds, may
 * be fractional) as an ISO instant; null when absent or not a usable number.
 */
export function manifestCreatedAt(manifest: Record<string, unknown>): string | null {
  const seconds = manifest.created_at
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return null
  const date = new Date(seconds * 1000)
  return Number.isNaN(date.getTime()) ? null : date.toISOString()
}

/** The manifest for reading: indented JSON with every field as uploaded, unknown ones included. */
export function formatManifest(manifest: Record<string, unknown>): string {
  return JSON.stringify(manifest, null, 2)
}
