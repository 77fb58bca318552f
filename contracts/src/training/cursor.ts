// The rounds list's cursor: opaque to clients, a round index to the server. Pure functions, so
// that the contract's query schema refuses a cursor it cannot read (422), never the database.

const PREFIX = 'round:'
/** Round indices go up to 10,000,000 (ReportRoundBody.index): eight digits. */
const SHAPE = /^round:(0|[1-9]\d{0,7})$/

const toBase64Url = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')

/** The cursor that continues a page after the round with this index. */
export function encodeRoundCursor(index: number): string {
  return toBase64Url(`${PREFIX}${index}`)
}

/** The round index a cursor continues after, or null when it is not one this API made. */
export function decodeRoundCursor(cursor: string): number | null {
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(cursor)) return null
  let text: string
  try {
    text = atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))
  } catch {
    return null
  }
  const match = SHAPE.exec(text)
  return match ? Number(match[1]) : null
}
