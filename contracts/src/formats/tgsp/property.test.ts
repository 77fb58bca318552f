// Property tests of the streaming parser (fast-check).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { concatBytes, toHex } from './bytes'
import { verifyParsed } from './checks'
import { TGSP_MAGIC } from './constants'
import { TgspFormatError } from './errors'
import { TgspStreamParser, type TgspParsed } from './parser'
import { TRUSTED, buildSample } from './test-fixtures'

const BASE = buildSample()
const OPTIONS = { maxPayloadBytes: 1024 * 1024 }

/** The parse result with raw sections as hex: compared far faster than byte arrays. */
function summary(parsed: TgspParsed) {
  const raw = Object.fromEntries(Object.entries(parsed.raw).map(([name, bytes]) => [name, toHex(bytes)]))
  return JSON.stringify({ ...parsed, raw })
}

function parseChunks(chunks: Uint8Array[]): TgspParsed {
  const parser = new TgspStreamParser(OPTIONS)
  for (const chunk of chunks) parser.push(chunk)
  return parser.finish()
}

/** Cuts `bytes` at the given offsets (any order, duplicates allowed). */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b)
  const out: Uint8Array[] = []
  let start = 0
  for (const point of [...points, bytes.length]) {
    out.push(bytes.subarray(start, point))
    start = point
  }
  return out
}

function failsOnlyWithFormatError(run: () => void): void {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(TgspFormatError)
  }
}

/** Bytes of the key_id value: a producer's unsigned label, shown but not checked. */
const KEY_ID = (() => {
  const signature = parseChunks([BASE]).raw.signature
  const start = BASE.length - signature.length
  const text = new TextDecoder().decode(signature)
  const from = text.indexOf('"key_id":"') + '"key_id":"'.length
  return { from: start + from, to: start + text.indexOf('"', from) }
})()
const isKeyIdByte = (at: number) => at >= KEY_ID.from && at < KEY_ID.to

describe('TgspStreamParser properties', () => {
  it('throws nothing but TgspFormatError on arbitrary bytes', () => {
    const tail = fc.uint8Array({ maxLength: 600 })
    const input = fc.oneof(
      tail,
      tail.map((t) => concatBytes(TGSP_MAGIC, t)),
    )
    fc.assert(
      fc.property(input, fc.array(fc.nat(), { maxLength: 8 }), (bytes, offsets) => {
        failsOnlyWithFormatError(() => parseChunks(cut(bytes, offsets)))
      }),
      { numRuns: 400 },
    )
  })

  it('throws nothing but TgspFormatError on a valid package with random bytes spliced in', () => {
    fc.assert(
      fc.property(fc.nat(BASE.length), fc.uint8Array({ minLength: 1, maxLength: 16 }), (at, junk) => {
        const bytes = concatBytes(BASE.subarray(0, at), junk, BASE.subarray(at + junk.length))
        failsOnlyWithFormatError(() => parseChunks([bytes]))
      }),
      { numRuns: 300 },
    )
  })

  it('parses any chunking of a valid package to the same result', () => {
    const whole = summary(parseChunks([BASE]))
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (offsets) => {
        expect(summary(parseChunks(cut(BASE, offsets)))).toBe(whole)
      }),
      { numRuns: 200 },
    )
  })

  it('fails finish() with TgspFormatError on every strict prefix', () => {
    fc.assert(
      fc.property(fc.nat(BASE.length - 1), (length) => {
        const parser = new TgspStreamParser(OPTIONS)
        parser.push(BASE.subarray(0, length))
        expect(() => parser.finish()).toThrow(TgspFormatError)
      }),
      { numRuns: 300 },
    )
  })

  it('fails at least one check when any single byte but the key_id label is flipped', () => {
    fc.assert(
      fc.property(fc.nat(BASE.length - 1), fc.integer({ min: 1, max: 255 }), (at, mask) => {
        if (isKeyIdByte(at)) return
        const bytes = BASE.slice()
        bytes[at] = bytes[at]! ^ mask
        let parsed: TgspParsed
        try {
          parsed = parseChunks([bytes])
        } catch (error) {
          expect(error).toBeInstanceOf(TgspFormatError)
          return
        }
        const { checks } = verifyParsed(parsed, TRUSTED)
        expect(Object.values(checks).some((check) => !check.ok)).toBe(true)
      }),
      { numRuns: 300 },
    )
  })
})

describe('single flips in the signature block, which is not itself signed', () => {
  it('fail a check at every byte outside the long signature values, for a case flip and a low-bit flip', () => {
    const length = parseChunks([BASE]).raw.signature.length
    const start = BASE.length - length
    const text = new TextDecoder().decode(BASE.subarray(start))
    const skipped = (i: number) =>
      ['sig_classic', 'sig_pqc'].some((key) => {
        const from = text.indexOf(`"${key}":"`) + key.length + 4
        const to = text.indexOf('"', from)
        return i > from + 2 && i < to - 2
      })
    let tried = 0
    for (let i = 0; i < length; i++) {
      if (skipped(i) || isKeyIdByte(start + i)) continue
      for (const mask of [0x01, 0x20]) {
        const bytes = BASE.slice()
        bytes[start + i] = bytes[start + i]! ^ mask
        tried += 1
        let parsed: TgspParsed | null = null
        try {
          parsed = parseChunks([bytes])
        } catch (error) {
          expect(error).toBeInstanceOf(TgspFormatError)
        }
        if (!parsed) continue
        const { checks } = verifyParsed(parsed, TRUSTED)
        expect(
          Object.values(checks).some((check) => !check.ok),
          `byte ${i} ^ ${mask}`,
        ).toBe(true)
      }
    }
    expect(tried).toBeGreaterThan(100)
  })
})
