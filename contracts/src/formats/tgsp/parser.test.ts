import { describe, expect, it } from 'vitest'
import { concatBytes, sha256Hex, toHex, utf8 } from './bytes'
import { verifyParsed } from './checks'
import { TgspFormatError } from './errors'
import { findDuplicateKey, parseJsonSection } from './json'
import { TgspStreamParser, type TgspPrelude } from './parser'
import { TRUSTED, buildSample, editJson, joinParts, resign, splitParts } from './test-fixtures'
import { sha256 } from '@noble/hashes/sha2.js'

const BASE = buildSample()

describe('TgspStreamParser', () => {
  it('hashes every section, derives the content id and streams the payload to onPayload', () => {
    const pieces: Uint8Array[] = []
    let prelude: TgspPrelude | null = null
    const parser = new TgspStreamParser({
      maxPayloadBytes: 1 << 20,
      onPayload: (bytes, p) => {
        pieces.push(bytes.slice())
        prelude = p
      },
    })
    for (let i = 0; i < BASE.length; i += 333) parser.push(BASE.subarray(i, i + 333))
    const parsed = parser.finish()
    expect(parser.bytesRead).toBe(BASE.length)
    const parts = splitParts(BASE)
    expect(concatBytes(...pieces)).toEqual(parts.payload)
    expect(prelude!.payloadLength).toBe(parts.payload.length)
    expect(parsed.digests).toEqual({
      header: sha256Hex(parts.header),
      manifest: sha256Hex(parts.manifest),
      recipients: sha256Hex(parts.recipients),
      payload: sha256Hex(parts.payload),
      signature: sha256Hex(parts.signature),
    })
    const digests = (['header', 'manifest', 'recipients', 'payload', 'signature'] as const).map((n) => sha256(parts[n]))
    expect(parsed.contentId).toBe(toHex(sha256(concatBytes(utf8('tgsp-content-v1'), ...digests))))
    expect(parsed.raw.manifest).toEqual(parts.manifest)
  })

  it('leaves the payload hash to the caller with hashPayload false: finish takes its digest', () => {
    const hashed: Uint8Array[] = []
    let created = 0
    const parser = new TgspStreamParser({
      maxPayloadBytes: 1 << 20,
      hashPayload: false,
      createSha256: () => {
        created++
        const hash = sha256.create()
        return { update: (data) => void hash.update(data), digest: () => hash.digest() }
      },
      onPayload: (bytes) => hashed.push(bytes.slice()),
    })
    for (let i = 0; i < BASE.length; i += 4096) parser.push(BASE.subarray(i, i + 4096))
    // Header, manifest, recipients and signature are hashed by the parser; the payload is not.
    expect(created).toBe(4)
    expect(() => parser.finish()).toThrow(/needs the payload digest/)
    const expected = new TgspStreamParser({ maxPayloadBytes: 1 << 20 })
    expected.push(BASE)
    const parsed = parser.finish(sha256Hex(concatBytes(...hashed)))
    expect(parsed.digests).toEqual(expected.finish().digests)
    expect(parsed.contentId).toBe(expected.finish().contentId)
  })

  it('reports a fault as soon as it shows, not at the end', () => {
    const parser = new TgspStreamParser({ maxPayloadBytes: 1 << 20 })
    expect(() => parser.push(utf8('PK'))).toThrow(/byte 1 is 50/)
    expect(() => parser.push(BASE)).toThrow(TgspFormatError)
    const parts = splitParts(BASE)
    const badManifest = joinParts({ ...parts, manifest: utf8('{}') })
    const early = new TgspStreamParser({ maxPayloadBytes: 1 << 20 })
    const manifestEnd = 6 + 4 + parts.header.length + 4 + 2
    expect(() => early.push(badManifest.subarray(0, manifestEnd))).toThrow(/manifest does not follow TGSP v1/)
  })

  it('keeps unknown fields and accepts deeply nested JSON without overflowing the stack', () => {
    const parts = splitParts(BASE)
    let deep = '0'
    for (let i = 0; i < 100_000; i++) deep = `[${deep}]`
    const manifest = utf8(
      new TextDecoder().decode(parts.manifest).replace('"build_info":{', `"build_info":{"deep":${deep},"x_custom":1,`),
    )
    const bytes = joinParts(resign({ ...parts, manifest }))
    const parser = new TgspStreamParser({ maxPayloadBytes: 1 << 20 })
    parser.push(bytes)
    const parsed = parser.finish()
    expect(parsed.manifest.build_info).toHaveProperty('x_custom', 1)
    expect(Object.values(verifyParsed(parsed, TRUSTED).checks).every((c) => c.ok)).toBe(true)
  })

  it('keeps unknown top-level manifest fields such as privacy claims', () => {
    const parts = splitParts(BASE)
    const manifest = editJson(parts.manifest, (m) => {
      m.privacy = { epsilon: 2, delta: 1e-5 }
      m.vendor_note = 'ünïcode'
    })
    const parsed = parseJsonSection('manifest', manifest)
    expect(parsed).toMatchObject({ privacy: { epsilon: 2 }, vendor_note: 'ünïcode' })
  })
})

describe('findDuplicateKey', () => {
  it('finds repeated keys at any depth and ignores strings that look like keys', () => {
    expect(findDuplicateKey('{"a":1,"b":{"c":1,"c":2}}')).toBe('c')
    expect(findDuplicateKey('{"a":"a","b":["a","a"],"c":{"a":{"a":1}}}')).toBeNull()
    expect(findDuplicateKey('{"a\\"":1,"a\\u0022":2}')).toBe('a"')
    expect(findDuplicateKey('[{"k":1},{"k":2}]')).toBeNull()
  })
})
