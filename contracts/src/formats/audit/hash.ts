import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'

/** SHA-256 of `bytes` (synchronous; @noble/hashes). */
export function sha256(bytes: Uint8Array): Uint8Array {
  return nobleSha256(bytes)
}

const LEAF_PREFIX = new Uint8Array([0x00])
const NODE_PREFIX = new Uint8Array([0x01])

/** RFC 6962 leaf hash: SHA-256(0x00 || entry bytes). */
export function leafHash(entryBytes: Uint8Array): Uint8Array {
  return nobleSha256.create().update(LEAF_PREFIX).update(entryBytes).digest()
}

/** RFC 6962 interior node hash: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return nobleSha256.create().update(NODE_PREFIX).update(left).update(right).digest()
}

/** The root hash of the empty tree: SHA-256 of the empty string. */
// Marked pure so that a bundle that never uses it (the console's first page) leaves the hashing out.
export const EMPTY_ROOT: Uint8Array = /* @__PURE__ */ nobleSha256(new Uint8Array(0))

const HEX_DIGITS = '0123456789abcdef'

/** Lowercase hexadecimal. */
export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) out += HEX_DIGITS[byte >> 4]! + HEX_DIGITS[byte & 15]!
  return out
}

/** Parses hexadecimal (either case); throws on odd length or a non-hex character. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0) throw new Error('hex string has an odd length')
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw new Error('hex string contains a non-hex character')
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
/** Only alphabet characters, then at most two '=' that end the text. */
const B64_STRICT = /^[A-Za-z0-9+/]*={0,2}$/

/** Value of each ASCII code in the alphabet, -1 for any other character. */
const B64_TABLE: Int8Array = /* @__PURE__ */ (() => {
  const table = new Int8Array(128).fill(-1)
  for (let i = 0; i < B64_ALPHABET.length; i++) table[B64_ALPHABET.charCodeAt(i)] = i
  return table
})()

/** Standard base64 with padding (RFC 4648 §4). */
export function toBase64(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!
    const b1 = bytes[i + 1]
    const b2 = bytes[i + 2]
    const n = (b0 << 16) | ((b1 ?? 0) << 8) | (b2 ?? 0)
    out += B64_ALPHABET[(n >> 18) & 63]! + B64_ALPHABET[(n >> 12) & 63]!
    out += b1 === undefined ? '=' : B64_ALPHABET[(n >> 6) & 63]!
    out += b2 === undefined ? '=' : B64_ALPHABET[n & 63]!
  }
  return out
}

/**
 * Parses standard base64 (RFC 4648 §4). Strict: padding is required, no whitespace or other
 * characters, and the unused trailing bits must be zero, so every byte string has exactly one
 * accepted encoding.
 */
export function fromBase64(text: string): Uint8Array {
  // The runtime's own decoder where it has one (signatures are kilobytes, read on every
  // checkpoint); the character-by-character one for what they refuse, to name the offset.
  const native = runtime.Uint8Array.fromBase64
  if (native && text.length % 4 === 0) {
    // The native decoder skips ASCII whitespace, which this format refuses: a skipped character
    // shows as fewer bytes than the length promises (cheaper than a scan of the text first).
    const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
    try {
      const out = native(text, { lastChunkHandling: 'strict' })
      if (out.length === (text.length / 4) * 3 - padding) return out
    } catch {
      // named by the slow decoder below
    }
    return fromBase64Slow(text)
  }
  if (text.length % 4 !== 0 || !B64_STRICT.test(text)) return fromBase64Slow(text)
  const binary = atob(text)
  const out = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
  // atob ignores the unused trailing bits: they must be zero.
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  const lastValue = padding > 0 ? B64_TABLE[text.charCodeAt(text.length - padding - 1)]! : 0
  if ((padding === 1 && (lastValue & 3) !== 0) || (padding === 2 && (lastValue & 15) !== 0))
    throw new Error('base64 has non-zero trailing bits')
  return out
}

type NativeBase64 = {
  Uint8Array: { fromBase64?: (text: string, options: { lastChunkHandling: 'strict' }) => Uint8Array }
}
const runtime = globalThis as unknown as NativeBase64
/** The character-by-character decoder: names the offset of what is wrong. */
function fromBase64Slow(text: string): Uint8Array {
  if (text.length % 4 !== 0) throw new Error('base64 length is not a multiple of 4')
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  const out = new Uint8Array((text.length / 4) * 3 - padding)
  const end = text.length - padding
  let o = 0
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    const value = i >= end ? 0 : code < 128 ? B64_TABLE[code]! : -1
    if (value < 0) throw new Error(`base64 contains an invalid character at offset ${i}`)
    n = (n << 6) | value
    if ((i & 3) !== 3) continue
    const keep = i === text.length - 1 ? 3 - padding : 3
    if (keep < 3 && (n & (keep === 2 ? 0xff : 0xffff)) !== 0) throw new Error('base64 has non-zero trailing bits')
    out[o++] = (n >> 16) & 255
    if (keep > 1) out[o++] = (n >> 8) & 255
    if (keep > 2) out[o++] = n & 255
    n = 0
  }
  return out
}

/** The concatenation of byte strings. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** Constant-length comparison of two byte strings. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}
