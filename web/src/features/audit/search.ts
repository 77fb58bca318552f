// The audit search box: one text that names an entry by its sequence number or its leaf hash,
// or a resource by `type:id` or its id alone. Kept in the URL as `?q=`.

export type AuditSearch =
  | { kind: 'seq'; seq: number }
  | { kind: 'hash'; hash: string }
  | { kind: 'resource'; resourceType?: string; resourceId: string }

/** What the search text asks for; null when it is empty. */
export function parseAuditSearch(text: string | undefined): AuditSearch | null {
  const q = text?.trim().replace(/^#/, '') ?? ''
  if (!q) return null
  if (/^[0-9]{1,15}$/.test(q)) return { kind: 'seq', seq: Number(q) }
  if (/^[0-9a-f]{64}$/i.test(q)) return { kind: 'hash', hash: q.toLowerCase() }
  const typed = /^([a-z][a-z0-9_]*):(.+)$/.exec(q)
  if (typed?.[1] && typed[2]?.trim()) return { kind: 'resource', resourceType: typed[1], resourceId: typed[2].trim() }
  return { kind: 'resource', resourceId: q }
}

/** The query parameters of the entries list that a search adds. */
export function searchParamsOf(search: AuditSearch | null): {
  seq?: number
  hash?: string
  resourceType?: string
  resourceId?: string
} {
  if (!search) return {}
  if (search.kind === 'seq') return { seq: search.seq }
  if (search.kind === 'hash') return { hash: search.hash }
  return search.resourceType
    ? { resourceType: search.resourceType, resourceId: search.resourceId }
    : { resourceId: search.resourceId }
}

/** "entry 42", "the entry with hash 3f2a…", "resource user:ab12" */
export function describeSearch(search: AuditSearch): string {
  if (search.kind === 'seq') return `entry ${search.seq}`
  if (search.kind === 'hash') return `the entry with hash ${search.hash.slice(0, 12)}…`
  return `resource ${search.resourceType ? `${search.resourceType}:` : ''}${search.resourceId}`
}

/**
 * The query parameters of the entries list for the filters and search of the URL (the search
 * wins where both name the resource).
 */
export function entriesQueryOf<F extends { q?: string }>(filters: F): Omit<F, 'q'> & ReturnType<typeof searchParamsOf> {
  const { q, ...rest } = filters
  return { ...rest, ...searchParamsOf(parseAuditSearch(q)) }
}

export type ExportQueryOf<F> = Omit<F, 'q'> & {
  fromSeq?: number
  toSeq?: number
  resourceType?: string
  resourceId?: string
}

/**
 * The export query for the filters and search of the URL: a sequence number is the range of one
 * entry; null for a hash, which an export bundle cannot state as its filter.
 */
export function exportQueryOf<F extends { q?: string }>(filters: F): ExportQueryOf<F> | null {
  const { q, ...rest } = filters
  const search = parseAuditSearch(q)
  if (search?.kind === 'hash') return null
  if (search?.kind === 'seq') return { ...rest, fromSeq: search.seq, toSeq: search.seq + 1 }
  return { ...rest, ...searchParamsOf(search) }
}
