import { z } from 'zod'

// Keyset cursors of the FedMoE lists: opaque to clients, the sort key of the last row to the
// server. Pure functions, so that a query schema refuses a cursor it cannot read (422).

const PREFIX = 'fm1:'

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text)
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64Url(text: string): string | null {
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)))
  } catch {
    return null
  }
}

/** The cursor that continues after a row with these sort-key parts. */
export function encodeKeysetCursor(parts: readonly string[]): string {
  return toBase64Url(PREFIX + JSON.stringify(parts))
}

/** The sort-key parts of a cursor this API made, or null. */
export function decodeKeysetCursor(cursor: string, arity: number): string[] | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return null
  const text = fromBase64Url(cursor)
  if (text === null || !text.startsWith(PREFIX)) return null
  try {
    const parts: unknown = JSON.parse(text.slice(PREFIX.length))
    if (!Array.isArray(parts) || parts.length !== arity) return null
    if (!parts.every((part) => typeof part === 'string' && part.length <= 200)) return null
    return parts as string[]
  } catch {
    return null
  }
}

/** A `cursor` query parameter that is decoded to its parts, or 422. */
export function keysetCursorParam(arity: number) {
  return z
    .string()
    .max(400)
    .transform((cursor, ctx) => {
      const parts = decodeKeysetCursor(cursor, arity)
      if (parts === null) {
        ctx.addIssue({ code: 'custom', message: 'The cursor is not valid: use the nextCursor of a previous page.' })
        return z.NEVER
      }
      return parts
    })
    .optional()
    .meta({ description: 'Opaque: the nextCursor of the previous page.' })
}
