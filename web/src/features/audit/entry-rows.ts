// The rows of the entries table. Every field shown comes from the parsed canonical text, the
// exact bytes that are hashed into the log and verified, never from any other part of a response.
import type { AuditEntryPage, AuditEntryRecord } from '@tg/contracts'
import { parseEntryText } from '@tg/contracts/formats/audit'
import type { AuditEntryBody } from '@tg/contracts/formats/audit'

export type AuditRow = {
  seq: number
  canonical: string
  proof: AuditEntryRecord['proof']
  /** The parsed canonical text; null when it is not a canonical audit entry. */
  body: AuditEntryBody | null
  /** Why the text could not be read, when it could not. */
  problem: string | null
}

const parsedPages = new WeakMap<AuditEntryPage, AuditRow[]>()

export function rowOf(record: AuditEntryRecord): AuditRow {
  const parsed = parseEntryText(record.canonical)
  return {
    seq: record.seq,
    canonical: record.canonical,
    proof: record.proof,
    body: parsed.ok ? parsed.body : null,
    problem: parsed.ok ? null : parsed.reason,
  }
}

/** All loaded rows, newest first; each page is parsed once. */
export function rowsOfPages(pages: readonly AuditEntryPage[]): AuditRow[] {
  return pages.flatMap((page) => {
    let rows = parsedPages.get(page)
    if (!rows) {
      rows = page.items.map(rowOf)
      parsedPages.set(page, rows)
    }
    return rows
  })
}

export function actorLabel(body: AuditEntryBody): string {
  const { actor } = body
  return actor.name ?? actor.id ?? actor.type
}

export function resourceLabel(body: AuditEntryBody): string {
  return body.resource.id ? `${body.resource.type} ${body.resource.id}` : body.resource.type
}
