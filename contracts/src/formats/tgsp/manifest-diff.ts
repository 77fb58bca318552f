// The difference between two TGSP manifests, field by field and file by file. Pure: no I/O, the
// same in the BFF (the diff route) and in a browser.

/** One manifest field (a dotted path into nested objects; arrays are compared as whole values). */
export type ManifestFieldChange = {
  path: string
  kind: 'added' | 'removed' | 'changed'
  /** The value in the package compared from (absent when added). */
  before?: unknown
  /** The value in the package compared to (absent when removed). */
  after?: unknown
}

/** One file of `content_index`, matched by path and compared by SHA-256. */
export type ManifestFileChange = {
  path: string
  kind: 'added' | 'removed' | 'changed'
  beforeSha256: string | null
  afterSha256: string | null
}

export type ManifestDiff = {
  fields: ManifestFieldChange[]
  files: ManifestFileChange[]
  /** Files present in both with the same hash. */
  unchangedFiles: number
}

/** Fields left to `files` (content_index) or compared as the signer (author_pubkey). */
const SEPARATE_FIELDS = new Set(['content_index', 'author_pubkey'])

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Structural equality of JSON values (key order does not matter). */
export function isSameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, index) => isSameJson(item, b[index]))
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a)
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && isSameJson(a[key], b[key]))
  }
  return false
}

function diffObjects(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  prefix: string,
  out: ManifestFieldChange[],
): void {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()
  for (const key of keys) {
    if (prefix === '' && SEPARATE_FIELDS.has(key)) continue
    const path = prefix ? `${prefix}.${key}` : key
    const hasBefore = Object.hasOwn(before, key)
    const hasAfter = Object.hasOwn(after, key)
    const a = before[key]
    const b = after[key]
    if (!hasBefore) out.push({ path, kind: 'added', after: b })
    else if (!hasAfter) out.push({ path, kind: 'removed', before: a })
    else if (isPlainObject(a) && isPlainObject(b)) diffObjects(a, b, path, out)
    else if (!isSameJson(a, b)) out.push({ path, kind: 'changed', before: a, after: b })
  }
}

/** `content_index` as path -> sha256; entries that are not `{ path, sha256 }` strings are skipped. */
function filesOf(manifest: Record<string, unknown>): Map<string, string> {
  const files = new Map<string, string>()
  const index = manifest['content_index']
  if (!Array.isArray(index)) return files
  for (const entry of index as unknown[]) {
    if (isPlainObject(entry) && typeof entry['path'] === 'string' && typeof entry['sha256'] === 'string')
      files.set(entry['path'], entry['sha256'])
  }
  return files
}

/**
 * What changed from `before` to `after`: fields added, removed or changed with both values
 * (nested objects by dotted path, sorted), and files added, removed or changed by hash (by path).
 * `author_pubkey` is left out: the signer is compared by whoever knows the registered publishers.
 */
export function diffManifests(before: Record<string, unknown>, after: Record<string, unknown>): ManifestDiff {
  const fields: ManifestFieldChange[] = []
  diffObjects(before, after, '', fields)
  const beforeFiles = filesOf(before)
  const afterFiles = filesOf(after)
  const files: ManifestFileChange[] = []
  let unchangedFiles = 0
  const paths = [...new Set([...beforeFiles.keys(), ...afterFiles.keys()])].sort()
  for (const path of paths) {
    const a = beforeFiles.get(path) ?? null
    const b = afterFiles.get(path) ?? null
    if (a === b) unchangedFiles += 1
    else
      files.push({
        path,
        kind: a === null ? 'added' : b === null ? 'removed' : 'changed',
        beforeSha256: a,
        afterSha256: b,
      })
  }
  return { fields, files, unchangedFiles }
}
