// JSON sections: canonical encoding for writers, strict decoding (UTF-8, JSON, no duplicate
// keys, zod schema) for readers. Readers keep the raw bytes; nothing is re-serialized to verify.
import canonicalize from 'canonicalize'
import type { z } from 'zod'
import { utf8 } from './bytes'
import { SECTION_LABELS, TgspFormatError } from './errors'
import {
  TgspHeaderSchema,
  TgspManifestSchema,
  TgspRecipientsSchema,
  TgspSignatureBlockSchema,
  type TgspHeader,
  type TgspManifest,
  type TgspRecipient,
  type TgspSignatureBlock,
} from './schemas'

export type TgspJsonSection = 'header' | 'manifest' | 'recipients' | 'signature'

export interface TgspJsonSections {
  header: TgspHeader
  manifest: TgspManifest
  recipients: TgspRecipient[]
  signature: TgspSignatureBlock
}

const SCHEMAS: { [S in TgspJsonSection]: z.ZodType<TgspJsonSections[S]> } = {
  header: TgspHeaderSchema,
  manifest: TgspManifestSchema,
  recipients: TgspRecipientsSchema,
  signature: TgspSignatureBlockSchema,
}

/**
 * Canonical JSON bytes as TGSP producers write them: keys sorted at every depth, no whitespace,
 * UTF-8 with non-ASCII characters kept as they are (RFC 8785 via `canonicalize`).
 */
export function encodeCanonicalJson(value: unknown): Uint8Array {
  const text = canonicalize(value)
  if (text === undefined) throw new TypeError('value has no JSON representation')
  return utf8(text)
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** `['a', 0, 'b']` → `a[0].b`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`
  return out
}

function describeIssue(section: TgspJsonSection, issue: z.core.$ZodIssue): string {
  const path = formatPath(issue.path)
  const field =
    section === 'recipients'
      ? `recipients${path === '' || path.startsWith('[') ? '' : '.'}${path}`
      : path || `the ${SECTION_LABELS[section]}`
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return `${field} is missing (expected ${issue.expected})`
  }
  return `${field}: ${issue.message}`
}

/**
 * Finds the first key that appears twice in one object of `text`, which must be valid JSON.
 * Iterative: nesting depth is bounded by the section cap, not the call stack.
 */
export function findDuplicateKey(text: string): string | null {
  const stack: { keys: Set<string> | null; expectKey: boolean }[] = []
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (char === '{') stack.push({ keys: new Set(), expectKey: true })
    else if (char === '[') stack.push({ keys: null, expectKey: false })
    else if (char === '}' || char === ']') stack.pop()
    else if (char === ',') {
      const top = stack[stack.length - 1]
      if (top?.keys) top.expectKey = true
    } else if (char === '"') {
      let end = i + 1
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1
      const top = stack[stack.length - 1]
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string
        if (top.keys.has(key)) return key
        top.keys.add(key)
        top.expectKey = false
      }
      i = end
    }
  }
  return null
}

/** Decodes and validates one JSON section; throws TgspFormatError naming the section and field. */
export function parseJsonSection<S extends TgspJsonSection>(section: S, bytes: Uint8Array): TgspJsonSections[S] {
  const label = SECTION_LABELS[section]
  let text: string
  try {
    text = decoder.decode(bytes)
  } catch {
    throw new TgspFormatError(section, `The ${label} is not valid UTF-8.`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    const detail = bytes.length === 0 ? 'it is empty' : (error as Error).message
    throw new TgspFormatError(section, `The ${label} is not valid JSON: ${detail}.`)
  }
  const duplicate = findDuplicateKey(text)
  if (duplicate !== null) {
    throw new TgspFormatError(section, `The ${label} has the key ${JSON.stringify(duplicate)} twice in one object.`)
  }
  const result = SCHEMAS[section].safeParse(value)
  if (!result.success) {
    const issues = result.error.issues.slice(0, 3).map((issue) => describeIssue(section, issue))
    const more = result.error.issues.length > 3 ? ` (and ${result.error.issues.length - 3} more)` : ''
    throw new TgspFormatError(section, `The ${label} does not follow TGSP v1: ${issues.join('; ')}${more}.`)
  }
  return result.data
}
