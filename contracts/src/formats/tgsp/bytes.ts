// Byte helpers for TGSP framing: big-endian integers, UTF-8, SHA-256 and number formatting.
import { sha256 } from '@noble/hashes/sha2.js'
import { toHex } from '../audit/hash'

export { bytesEqual, concatBytes, fromHex, toHex } from '../audit/hash'

/** An incremental SHA-256; the default is @noble/hashes, the server passes node:crypto's. */
export interface Sha256Hasher {
  update(data: Uint8Array): void
  digest(): Uint8Array
}
export type Sha256Factory = () => Sha256Hasher

export const createNobleSha256: Sha256Factory = () => {
  const hash = sha256.create()
  return {
    update: (data) => {
      hash.update(data)
    },
    digest: () => hash.digest(),
  }
}

/** SHA-256 of the concatenation of `parts`. */
export function sha256Of(create: Sha256Factory, ...parts: Uint8Array[]): Uint8Array {
  const hash = create()
  for (const part of parts) hash.update(part)
  return hash.digest()
}

/** Lowercase hex SHA-256 of `bytes` (@noble/hashes). */
export function sha256Hex(bytes: Uint8Array): string {
  return toHex(sha256(bytes))
}

const encoder = new TextEncoder()

export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}

export function u32be(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`${value} is not a u32`)
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, value)
  return out
}

export function u64be(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${value} is not a safe u64`)
  const out = new Uint8Array(8)
  const view = new DataView(out.buffer)
  view.setUint32(0, Math.floor(value / 2 ** 32))
  view.setUint32(4, value >>> 0)
  return out
}

/** `1234567` → `1,234,567` (locale-independent); accepts a number or a bigint. */
export function formatCount(value: number | bigint): string {
  return value.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** `1048576` → `1 MiB`, other sizes in bytes. */
export function formatSize(bytes: number): string {
  const MiB = 1024 * 1024
  if (bytes >= MiB && bytes % MiB === 0) return `${formatCount(bytes / MiB)} MiB`
  return `${formatCount(bytes)} bytes`
}
