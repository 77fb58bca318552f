import { createHash } from 'node:crypto'
import { ed25519 } from '@noble/curves/ed25519.js'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { fromBase64, fromHex, sha256, toBase64, toHex } from './hash'
import {
  formatCheckpointBody,
  formatSignatureLine,
  formatVerifierKey,
  keyIdOf,
  ML_DSA_65_TYPE_ID,
  NoteFormatError,
  parseCheckpointBody,
  parseSignedNote,
  parseVerifierKey,
  signatureBackends,
  signNoteBody,
  verifyCheckpoint,
  verifySignature,
  type Checkpoint,
  type VerifierKey,
} from './note'
import { breakSigner, makeEd25519Signer, makeMlDsa65Signer, type TestSigner } from './test-fixtures'

const utf8 = (text: string) => new TextEncoder().encode(text)
const independentKeyId = (...parts: Uint8Array[]) =>
  createHash('sha256')
    .update(Buffer.concat(parts.map((p) => Buffer.from(p))))
    .digest('hex')
    .slice(0, 8)

// golang.org/x/mod/sumdb/note test vectors (an Ed25519 signed note made by the Go reference).
const GO_VERIFIER_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'
const GO_SIGNER_SEED = 'AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz' // base64(0x01 || 32-byte seed)
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
const GO_NOTE = `${GO_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`

describe('signed notes (interoperability with the Go reference)', () => {
  it('parses the Go verifier key and reproduces its text form', () => {
    const key = parseVerifierKey(GO_VERIFIER_KEY)
    expect(key).toMatchObject({ name: 'PeterNeumann', algorithm: 'ed25519' })
    expect(toHex(keyIdOf(key))).toBe('c74f20a3')
    expect(formatVerifierKey(key)).toBe(GO_VERIFIER_KEY)
  })

  it('parses and verifies the Go signed note', async () => {
    const note = parseSignedNote(GO_NOTE)
    expect(note.body).toBe(GO_TEXT)
    expect(note.signatures).toHaveLength(1)
    const [signature] = note.signatures
    expect(signature!.name).toBe('PeterNeumann')
    expect(toHex(signature!.keyId)).toBe('c74f20a3')
    const key = parseVerifierKey(GO_VERIFIER_KEY)
    expect(await verifySignature('ed25519', key.publicKey, utf8(note.body), signature!.signature)).toBe(true)
    expect(await verifySignature('ed25519', key.publicKey, utf8(note.body + 'x'), signature!.signature)).toBe(false)
  })

  it('signs exactly like the Go reference', async () => {
    const seed = fromBase64(GO_SIGNER_SEED).slice(1)
    const signer = makeEd25519Signer('PeterNeumann', seed)
    expect(formatVerifierKey(signer.key)).toBe(GO_VERIFIER_KEY)
    expect(await signNoteBody(GO_TEXT, [signer])).toBe(GO_NOTE)
  })
})

describe('key IDs and verifier keys', () => {
  it('computes the Ed25519 key ID as SHA-256(name || 0x0A || 0x01 || key)[:4]', () => {
    const publicKey = fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a') // RFC 8032 test 1
    const key: VerifierKey = { name: 'audit.example/log', algorithm: 'ed25519', publicKey }
    const expected = independentKeyId(utf8('audit.example/log'), new Uint8Array([0x0a, 0x01]), publicKey)
    expect(toHex(keyIdOf(key))).toBe(expected)
  })

  it('computes the ML-DSA-65 key ID with the 0xff "ML-DSA-65" escape', () => {
    const { key } = makeMlDsa65Signer('audit.example/log')
    expect(toHex(ML_DSA_65_TYPE_ID)).toBe('ff4d4c2d4453412d3635')
    const expected = independentKeyId(
      utf8('audit.example/log'),
      new Uint8Array([0x0a, 0xff]),
      utf8('ML-DSA-65'),
      key.publicKey,
    )
    expect(toHex(keyIdOf(key))).toBe(expected)
    const text = formatVerifierKey(key)
    expect(text.split('+').length).toBeGreaterThan(3) // the base64 key itself contains '+'
    expect(parseVerifierKey(text)).toEqual(key)
  })

  it('rejects verifier keys with a mismatched key ID or an unknown type', () => {
    const [name, , encoded] = GO_VERIFIER_KEY.split('+')
    expect(() => parseVerifierKey(`${name}+c74f20a4+${encoded}`)).toThrow(/does not match/)
    expect(() => parseVerifierKey(`Other+c74f20a3+${encoded}`)).toThrow(/does not match/)
    expect(() => parseVerifierKey(`${name}+c74f20a3+${toBase64(new Uint8Array(33).fill(2))}`)).toThrow(/unknown/)
    expect(() => parseVerifierKey(`${name}+c74f20a3`)).toThrow(NoteFormatError)
    expect(() => parseVerifierKey(`${name}+C74F20A3+${encoded}`)).toThrow(/lowercase/)
    expect(() => keyIdOf({ name: 'x', algorithm: 'ed25519', publicKey: new Uint8Array(31) })).toThrow(/32 bytes/)
  })
})

describe('signed note format', () => {
  const line = formatSignatureLine('log.example', new Uint8Array([1, 2, 3, 4]), new Uint8Array(64).fill(7))

  it.each([
    ['no blank line', `a\nb\n${line}`, /blank line/],
    ['no signature lines', 'a\nb\n\n', /no signature lines/],
    ['no final newline', `a\n\n${line.slice(0, -1)}`, /newline/],
    ['a tab in the text', `a\tb\n\n${line}`, /control character U\+0009/],
    ['a carriage return', `a\r\n\n${line}`, /control character U\+000D/],
    ['a lone surrogate', `a\uD800\n\n${line}`, /UTF-8/],
    ['bad base64', `a\n\n— log.example AQID*A==\n`, /base64/],
    ['non-canonical base64', `a\n\n— log.example AQIDBAV=\n`, /base64/],
    ['two spaces after the name', `a\n\n${line.replace(' log.example ', ' log.example  ')}`, /base64/],
    ['a trailing space', `a\n\n${line.slice(0, -1)} \n`, /base64/],
    ['a space before the dash', `a\n\n ${line}`, /em dash|"— "/],
    ['a hyphen instead of an em dash', `a\n\n${line.replace('—', '-')}`, /"— "/],
    ['a plus in the key name', `a\n\n${line.replace('log.example', 'log+example')}`, /key name/],
    ['a signature shorter than a key ID', `a\n\n— log.example AQID\n`, /too short/],
    ['17 signatures', `a\n\n${line.repeat(17)}`, /at most 16/],
  ])('rejects a note with %s', (_, text, message) => {
    expect(() => parseSignedNote(text)).toThrow(NoteFormatError)
    expect(() => parseSignedNote(text)).toThrow(message)
  })

  it('accepts 16 signatures and blank lines inside the text', () => {
    const note = parseSignedNote(`a\n\nb\n\n${line.repeat(16)}`)
    expect(note.body).toBe('a\n\nb\n')
    expect(note.signatures).toHaveLength(16)
  })

  it('refuses to sign text that is not a valid note text', async () => {
    const signer = makeEd25519Signer('log.example')
    await expect(signNoteBody('no newline', [signer])).rejects.toThrow(/newline/)
    await expect(signNoteBody('tab\t\n', [signer])).rejects.toThrow(/control/)
    await expect(signNoteBody('ok\n', [])).rejects.toThrow(/1 to 16/)
  })
})

describe('checkpoint bodies', () => {
  const rootHash = sha256(utf8('root'))
  const checkpoint: Checkpoint = { origin: 'audit.example/log', treeSize: 20852163, rootHash, extensions: [] }

  it('round-trips', () => {
    const body = formatCheckpointBody(checkpoint)
    expect(body).toBe(`audit.example/log\n20852163\n${toBase64(rootHash)}\n`)
    expect(parseCheckpointBody(body)).toEqual(checkpoint)
    const extended = { ...checkpoint, treeSize: 0, extensions: ['time 1700000000'] }
    expect(parseCheckpointBody(formatCheckpointBody(extended))).toEqual(extended)
  })

  const root = toBase64(rootHash)
  it.each([
    ['a leading zero', `o\n042\n${root}\n`],
    ['a sign', `o\n+42\n${root}\n`],
    ['a negative size', `o\n-1\n${root}\n`],
    ['a size beyond 2^53', `o\n9007199254740993\n${root}\n`],
    ['a 31-byte root', `o\n42\n${toBase64(rootHash.slice(1))}\n`],
    ['an empty origin', `\n42\n${root}\n`],
    ['two lines', `o\n42\n`],
    ['an empty extension line', `o\n42\n${root}\n\next\n`],
    ['no final newline', `o\n42\n${root}`],
  ])('rejects a checkpoint with %s', (_, body) => {
    expect(() => parseCheckpointBody(body)).toThrow(NoteFormatError)
  })
})

describe('checkpoint verification (Ed25519 and ML-DSA-65 both required)', () => {
  let ed: TestSigner
  let pq: TestSigner
  let trusted: VerifierKey[]
  const body = formatCheckpointBody({
    origin: 'audit.example/log',
    treeSize: 7,
    rootHash: sha256(utf8('r')),
    extensions: [],
  })

  beforeAll(() => {
    ed = makeEd25519Signer('audit.example/log')
    pq = makeMlDsa65Signer('audit.example/log')
    trusted = [ed.key, pq.key]
  })

  it('accepts a checkpoint signed by both trusted keys', async () => {
    const result = await verifyCheckpoint(await signNoteBody(body, [ed, pq]), trusted)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.checkpoint.treeSize).toBe(7)
    expect(result.body).toBe(body)
    expect(result.verifiedBy).toEqual([
      { name: 'audit.example/log', algorithm: 'ed25519', keyId: toHex(keyIdOf(ed.key)) },
      { name: 'audit.example/log', algorithm: 'ml-dsa-65', keyId: toHex(keyIdOf(pq.key)) },
    ])
  })

  it('ignores signatures from unknown keys, including a known name with another key ID', async () => {
    const stranger = makeEd25519Signer('audit.example/log')
    const note = await signNoteBody(body, [stranger, ed, makeEd25519Signer('witness.example'), pq])
    expect(await verifyCheckpoint(note, trusted)).toMatchObject({ ok: true })
  })

  it('reports a checkpoint forged with other keys as untrusted', async () => {
    const forged = await signNoteBody(body, [
      makeEd25519Signer('audit.example/log'),
      makeMlDsa65Signer('audit.example/log'),
    ])
    expect(await verifyCheckpoint(forged, trusted)).toMatchObject({ ok: false, check: 'untrusted' })
  })

  it('names the algorithm whose signature is broken', async () => {
    const brokenEd = await signNoteBody(body, [breakSigner(ed), pq])
    expect(await verifyCheckpoint(brokenEd, trusted)).toMatchObject({ ok: false, check: 'signature-ed25519' })
    const brokenPq = await signNoteBody(body, [ed, breakSigner(pq)])
    const result = await verifyCheckpoint(brokenPq, trusted)
    expect(result).toMatchObject({ ok: false, check: 'signature-ml-dsa-65' })
    expect(!result.ok && result.reason).toMatch(
      /ML-DSA-65 signature by audit\.example\/log \(key [0-9a-f]{8}\) does not verify/,
    )
  })

  it('detects a body edited after signing', async () => {
    const note = await signNoteBody(body, [pq, ed])
    const edited = note.replace('\n7\n', '\n8\n')
    expect(parseCheckpointBody(parseSignedNote(edited).body).treeSize).toBe(8)
    expect(await verifyCheckpoint(edited, trusted)).toMatchObject({ ok: false, check: 'signature-ml-dsa-65' })
  })

  it('fails when only one of the two algorithms signed', async () => {
    const edOnly = await verifyCheckpoint(await signNoteBody(body, [ed]), trusted)
    expect(edOnly).toMatchObject({ ok: false, check: 'signature-ml-dsa-65' })
    expect(!edOnly.ok && edOnly.reason).toMatch(/no ML-DSA-65 signature/)
    const pqOnly = await verifyCheckpoint(await signNoteBody(body, [pq]), trusted)
    expect(pqOnly).toMatchObject({ ok: false, check: 'signature-ed25519' })
    const pqTrustedOnly = await verifyCheckpoint(await signNoteBody(body, [ed, pq]), [pq.key])
    expect(pqTrustedOnly).toMatchObject({ ok: false, check: 'signature-ed25519' })
  })

  it('reports malformed notes and bodies as format failures', async () => {
    expect(await verifyCheckpoint('not a note', trusted)).toMatchObject({ ok: false, check: 'format' })
    const notACheckpoint = await signNoteBody('hello\n', [ed, pq])
    expect(await verifyCheckpoint(notACheckpoint, trusted)).toMatchObject({ ok: false, check: 'format' })
  })
})

describe('signature backends', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.resetModules()
  })

  it('uses WebCrypto for Ed25519 in Node and noble for ML-DSA-65', async () => {
    expect(await signatureBackends()).toEqual({ ed25519: 'webcrypto', 'ml-dsa-65': 'noble' })
  })

  it('falls back to noble when WebCrypto is unavailable, with the same answers', async () => {
    const message = utf8('checkpoint\n')
    const ed = makeEd25519Signer('k')
    const signature = ed.sign(message)
    vi.stubGlobal('crypto', undefined)
    vi.resetModules()
    const fresh = await import('./signature')
    expect(await fresh.signatureBackends()).toEqual({ ed25519: 'noble', 'ml-dsa-65': 'noble' })
    expect(await fresh.verifySignature('ed25519', ed.key.publicKey, message, signature)).toBe(true)
    expect(await fresh.verifySignature('ed25519', ed.key.publicKey, utf8('other\n'), signature)).toBe(false)
  })

  it('imports each public key once, and never answers for one key with another', async () => {
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey')
    vi.resetModules()
    const fresh = await import('./signature')
    const message = utf8('checkpoint\n')
    const [a, b] = [makeEd25519Signer('a'), makeEd25519Signer('b')]
    const [sigA, sigB] = [a.sign(message), b.sign(message)]
    await fresh.signatureBackends()
    const afterProbe = importKey.mock.calls.length
    for (let i = 0; i < 5; i++) {
      // A new copy of the same key bytes each time, as parsing the keys again gives.
      expect(await fresh.verifySignature('ed25519', a.key.publicKey.slice(), message, sigA)).toBe(true)
      expect(await fresh.verifySignature('ed25519', b.key.publicKey.slice(), message, sigB)).toBe(true)
      expect(await fresh.verifySignature('ed25519', a.key.publicKey.slice(), message, sigB)).toBe(false)
    }
    expect(importKey.mock.calls.length - afterProbe).toBe(2)
    importKey.mockRestore()
  })

  it('answers for the bytes a key array holds now, not for those it held when its key was imported', async () => {
    const message = utf8('checkpoint\n')
    const [a, b] = [makeEd25519Signer('a'), makeEd25519Signer('b')]
    const [sigA, sigB] = [a.sign(message), b.sign(message)]
    const keyBytes = a.key.publicKey.slice()
    await signatureBackends()
    expect(await verifySignature('ed25519', keyBytes, message, sigA)).toBe(true)
    expect(await verifySignature('ed25519', keyBytes, message, sigA)).toBe(true) // the imported key, at once
    keyBytes.set(b.key.publicKey) // the same array, changed in place
    expect(await verifySignature('ed25519', keyBytes, message, sigA)).toBe(false)
    expect(await verifySignature('ed25519', keyBytes, message, sigB)).toBe(true)
  })

  it('answers false, never throws, when WebCrypto refuses a call on the imported key', async () => {
    const message = utf8('checkpoint\n')
    const a = makeEd25519Signer('a')
    const signature = a.sign(message)
    await signatureBackends()
    expect(await verifySignature('ed25519', a.key.publicKey, message, signature)).toBe(true)
    const verify = vi.spyOn(globalThis.crypto.subtle, 'verify')
    verify.mockRejectedValueOnce(new DOMException('refused', 'OperationError'))
    verify.mockImplementationOnce(() => {
      throw new TypeError('refused at once')
    })
    expect(await verifySignature('ed25519', a.key.publicKey, message, signature)).toBe(false)
    expect(await verifySignature('ed25519', a.key.publicKey, message, signature)).toBe(false)
    expect(verify).toHaveBeenCalledTimes(2)
    verify.mockRestore()
    expect(await verifySignature('ed25519', a.key.publicKey, message, signature)).toBe(true)
  })

  it('rejects non-canonical Ed25519 signatures (S >= L) on both backends', async () => {
    const message = utf8('m\n')
    const ed = makeEd25519Signer('k')
    const signature = ed.sign(message)
    // S + L: the same scalar mod L, but not canonical (S must be below L).
    const L = 2n ** 252n + 27742317777372353535851937790883648493n
    let s = 0n
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(signature[i]!)
    s += L
    const malleated = signature.slice()
    for (let i = 32; i < 64; i++, s >>= 8n) malleated[i] = Number(s & 255n)
    expect(ed25519.verify(signature, message, ed.key.publicKey)).toBe(true)
    expect(await verifySignature('ed25519', ed.key.publicKey, message, malleated)).toBe(false)
    vi.stubGlobal('crypto', undefined)
    vi.resetModules()
    const fresh = await import('./signature')
    expect(await fresh.verifySignature('ed25519', ed.key.publicKey, message, malleated)).toBe(false)
  })
})
