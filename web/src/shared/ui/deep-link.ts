// Deep links: the URL of one thing (an audit entry, a release, a round) that reloads to the same view.
import type { LocationQuery } from 'vue-router'

/** The absolute URL of a console path (with its query), for sharing. */
export function absoluteLinkOf(path: string, origin: string): string {
  return new URL(path, origin).toString()
}

/** A positive whole number from the URL query (an entry's sequence number, a round index), or null. */
export function indexOf(query: LocationQuery, key: string): number | null {
  const raw = query[key]
  const text = Array.isArray(raw) ? raw[0] : raw
  if (typeof text !== 'string' || !/^(0|[1-9]\d{0,14})$/.test(text)) return null
  return Number(text)
}

/** A UUID from the URL query (a release id), or null. */
export function uuidOf(query: LocationQuery, key: string): string | null {
  const raw = query[key]
  const text = Array.isArray(raw) ? raw[0] : raw
  return typeof text === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)
    ? text.toLowerCase()
    : null
}
