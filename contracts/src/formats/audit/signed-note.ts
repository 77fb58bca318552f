// c2sp.org/signed-note: text ending in a newline, a blank line, then one or more lines
// `— <key name> <base64(4-byte key ID || signature)>`.
import { concatBytes, fromBase64, toBase64 } from './hash'
import { NoteFormatError } from './note-errors'
import { isValidKeyName, keyIdOf, type VerifierKey } from './note-keys'

export type NoteSignature = { name: string; keyId: Uint8Array; signature: Uint8Array }
export type SignedNote = { body: string; signatures: NoteSignature[] }

/** Verifiers must accept at least 16 signatures; this one accepts no more. */
export const MAX_NOTE_SIGNATURES = 16

const SIGNATURE_PREFIX = '\u2014 '
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const CONTROL_CHARACTER = /[\u0000-\u0009\u000B-\u001F]/

/** Throws unless `text` is well-formed Unicode without control characters other than newline. */
export function assertNoteCharacters(text: string, what: string): void {
  // String.prototype.isWellFormed (ES2024) answers in native code; the regex where it is missing.
  const isWellFormed = (text as { isWellFormed?: () => boolean }).isWellFormed?.() ?? !LONE_SURROGATE.test(text)
  if (!isWellFormed) throw new NoteFormatError(`${what} is not valid UTF-8 (lone surrogate)`)
  const control = CONTROL_CHARACTER.exec(text)
  if (control) {
    const code = control[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()
    throw new NoteFormatError(`${what} contains the control character U+${code} at offset ${control.index}`)
  }
}

function parseSignatureLine(line: string, lineNumber: number): NoteSignature {
  const where = `signature line ${lineNumber}`
  if (!line.startsWith(SIGNATURE_PREFIX)) throw new NoteFormatError(`${where} does not start with "— "`)
  const rest = line.slice(SIGNATURE_PREFIX.length)
  const space = rest.indexOf(' ')
  if (space < 0) throw new NoteFormatError(`${where} has no space between the key name and the signature`)
  const name = rest.slice(0, space)
  if (!isValidKeyName(name)) throw new NoteFormatError(`${where} has an invalid key name ${JSON.stringify(name)}`)
  let raw: Uint8Array
  try {
    raw = fromBase64(rest.slice(space + 1))
  } catch (error) {
    throw new NoteFormatError(`${where} is not valid base64: ${(error as Error).message}`)
  }
  if (raw.length < 5) throw new NoteFormatError(`${where} is too short to hold a key ID and a signature`)
  return { name, keyId: raw.subarray(0, 4), signature: raw.subarray(4) }
}

/** Splits a signed note into its text and signatures; throws NoteFormatError when malformed. */
export function parseSignedNote(text: string): SignedNote {
  if (typeof text !== 'string') throw new NoteFormatError('note is not a string')
  assertNoteCharacters(text, 'note')
  const split = text.lastIndexOf('\n\n')
  if (split < 0) throw new NoteFormatError('note has no blank line separating the text from the signatures')
  const body = text.slice(0, split + 1)
  const block = text.slice(split + 2)
  if (block.length === 0) throw new NoteFormatError('note has no signature lines')
  if (!block.endsWith('\n')) throw new NoteFormatError('note does not end with a newline')
  const lines = block.slice(0, -1).split('\n')
  if (lines.length > MAX_NOTE_SIGNATURES) {
    throw new NoteFormatError(`note has ${lines.length} signatures, at most ${MAX_NOTE_SIGNATURES} are accepted`)
  }
  return { body, signatures: lines.map((line, i) => parseSignatureLine(line, i + 1)) }
}

/** `— <name> <base64(keyId || signature)>\n`. */
export function formatSignatureLine(name: string, keyId: Uint8Array, signature: Uint8Array): string {
  if (!isValidKeyName(name)) throw new NoteFormatError(`invalid key name ${JSON.stringify(name)}`)
  if (keyId.length !== 4) throw new NoteFormatError('a key ID is 4 bytes')
  if (signature.length === 0) throw new NoteFormatError('empty signature')
  return `${SIGNATURE_PREFIX}${name} ${toBase64(concatBytes(keyId, signature))}\n`
}

/** Throws unless `body` can be the text of a signed note. */
export function assertNoteBody(body: string): void {
  assertNoteCharacters(body, 'note text')
  if (!body.endsWith('\n')) throw new NoteFormatError('note text does not end with a newline')
}

export type NoteSigner = { key: VerifierKey; sign: (message: Uint8Array) => Promise<Uint8Array> | Uint8Array }

/** Signs `body` (its UTF-8 bytes) with each signer and returns the full signed note. */
export async function signNoteBody(body: string, signers: readonly NoteSigner[]): Promise<string> {
  assertNoteBody(body)
  if (signers.length === 0 || signers.length > MAX_NOTE_SIGNATURES) {
    throw new NoteFormatError(`a note needs 1 to ${MAX_NOTE_SIGNATURES} signatures`)
  }
  const message = new TextEncoder().encode(body)
  let lines = ''
  for (const signer of signers) {
    const signature = await signer.sign(message)
    lines += formatSignatureLine(signer.key.name, keyIdOf(signer.key), signature)
  }
  return `${body}\n${lines}`
}
