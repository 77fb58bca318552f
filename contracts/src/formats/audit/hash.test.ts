import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'
import {
  bytesEqual,
  concatBytes,
  EMPTY_ROOT,
  fromBase64,
  fromHex,
  leafHash,
  nodeHash,
  sha256,
  toBase64,
  toHex,
} from './hash'

const utf8 = (text: string) => new TextEncoder().encode(text)
const nodeSha256 = (bytes: Uint8Array) => new Uint8Array(createHash('sha256').update(bytes).digest())

describe('hashes', () => {
  it('computes SHA-256 (FIPS 180 "abc" vector) and the empty root', () => {
    expect(toHex(sha256(utf8('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(toHex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })

  it('domain-separates leaves (0x00) and nodes (0x01)', () => {
    const entry = utf8('{"seq":0}')
    expect(leafHash(entry)).toEqual(nodeSha256(concatBytes(new Uint8Array([0]), entry)))
    const [a, b] = [sha256(utf8('a')), sha256(utf8('b'))]
    expect(nodeHash(a, b)).toEqual(nodeSha256(concatBytes(new Uint8Array([1]), a, b)))
    expect(nodeHash(a, b)).not.toEqual(nodeHash(b, a))
  })
})

describe('hex', () => {
  it('round-trips any bytes and matches Node', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const hex = toHex(bytes)
        expect(hex).toBe(Buffer.from(bytes).toString('hex'))
        expect(fromHex(hex)).toEqual(bytes)
        expect(fromHex(hex.toUpperCase())).toEqual(bytes)
      }),
    )
  })

  it('rejects odd length and non-hex characters', () => {
    expect(() => fromHex('abc')).toThrow(/odd length/)
    expect(() => fromHex('zz')).toThrow(/non-hex/)
    expect(() => fromHex('0x')).toThrow(/non-hex/)
    expect(() => fromHex(' 0a')).toThrow()
  })
})

describe('base64', () => {
  it('round-trips any bytes and matches Node (RFC 4648 §4, padded)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = toBase64(bytes)
        expect(text).toBe(Buffer.from(bytes).toString('base64'))
        expect(fromBase64(text)).toEqual(bytes)
      }),
    )
  })

  it('rejects malformed text', () => {
    for (const bad of ['A', 'AAA', 'AA=A', '====', 'A===', 'AAAA ', ' AAAA', 'AA\nAA', 'AA-_', 'AAAAA===']) {
      expect(() => fromBase64(bad), bad).toThrow()
    }
  })

  it('refuses whitespace that the runtime\u2019s own decoder skips (Uint8Array.fromBase64, as in Chromium)', () => {
    // Node 20 has no Uint8Array.fromBase64: a stand-in with the same rules (ASCII whitespace
    // skipped, strict last chunk), so the path browsers take is the one tested.
    const forgiving = vi.fn((text: string) => {
      const stripped = text.replace(/[\t\n\f\r ]/g, '')
      if (stripped.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(stripped)) throw new SyntaxError('bad base64')
      return new Uint8Array(Buffer.from(stripped, 'base64'))
    })
    Object.defineProperty(Uint8Array, 'fromBase64', { value: forgiving, configurable: true })
    try {
      expect(fromBase64('AAECAw==')).toEqual(new Uint8Array([0, 1, 2, 3]))
      expect(forgiving).toHaveBeenCalled()
      for (const spaced of ['AAAA    ', 'AAAA\n\n\n\n', ' \tAAAA\r\n', 'AA AA AA']) {
        expect(() => fromBase64(spaced), JSON.stringify(spaced)).toThrow()
      }
    } finally {
      delete (Uint8Array as { fromBase64?: unknown }).fromBase64
    }
  })

  it('rejects non-canonical encodings (non-zero trailing bits)', () => {
    expect(fromBase64('AA==')).toEqual(new Uint8Array([0]))
    expect(() => fromBase64('AB==')).toThrow(/trailing bits/)
    expect(fromBase64('AAA=')).toEqual(new Uint8Array([0, 0]))
    expect(() => fromBase64('AAB=')).toThrow(/trailing bits/)
  })
})

describe('bytesEqual', () => {
  it('compares content and length', () => {
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true)
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false)
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false)
    expect(bytesEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true)
  })
})
