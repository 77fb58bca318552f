import { describe, expect, it } from 'vitest'
import { sha256Hex } from './bytes'
import { TGSP_CHUNK_SIZE, TGSP_MAGIC } from './constants'
import { encodeCanonicalJson } from './json'
import { openTgspBytes } from './open'
import { TgspStreamParser } from './parser'
import { verifyParsed } from './checks'
import { publisherFingerprint, signingKeyId } from './keys'
import { FILES, TRUSTED, buildSample, otherRecipient, recipient, seededRandom, signing } from './test-fixtures'

const parse = (bytes: Uint8Array) => {
  const parser = new TgspStreamParser({ maxPayloadBytes: Number.MAX_SAFE_INTEGER })
  parser.push(bytes)
  return parser.finish()
}

describe('buildTgspBytes', () => {
  it('builds a package that passes every check and opens to the same files', () => {
    const bytes = buildSample({ recipients: [otherRecipient.publicKey, recipient.publicKey] })
    expect(bytes.subarray(0, 6)).toEqual(TGSP_MAGIC)
    const parsed = parse(bytes)
    const { checks, signer } = verifyParsed(parsed, TRUSTED)
    expect(checks).toEqual({
      structure: { ok: true, reason: null },
      hashes: { ok: true, reason: null },
      signatures: { ok: true, reason: null },
      signer: { ok: true, reason: null },
    })
    expect(signer?.name).toBe('Acme Models')
    expect(parsed.manifest).toMatchObject({
      package_id: '0123456789abcdef',
      model_name: 'llama-3-8b-lora',
      model_version: '1.2.0',
      payload_hash: 'pending',
      compat_base_model_id: ['meta-llama/Meta-Llama-3-8B'],
      author_pubkey: { classic: signing.publicKey.classic, pqc: signing.publicKey.pqc, alg: 'Hybrid-Dilithium-v1' },
    })
    expect(parsed.manifest.content_index.map((e) => e.path)).toEqual([
      'README.md',
      'adapter_config.json',
      'weights/adapter_model.safetensors',
    ])
    expect(parsed.signature.key_id).toBe(signingKeyId(signing.publicKey))
    expect(parsed.signature.key_id).toBe(
      publisherFingerprint(signing.publicKey.classic, signing.publicKey.pqc).slice(0, 16),
    )

    for (const key of [recipient.secretKey, otherRecipient.secretKey]) {
      const opened = openTgspBytes(bytes, key)
      expect(opened.directories).toEqual(['weights'])
      expect([...opened.files.keys()].sort()).toEqual(FILES.map((f) => f.path).sort())
      for (const file of FILES) expect(opened.files.get(file.path)).toEqual(file.data)
    }
  })

  it('writes canonical sections: sorted keys, no whitespace, non-ASCII kept as is', () => {
    expect(new TextDecoder().decode(encodeCanonicalJson({ b: 'Ünï', a: [{ z: 1, y: null }] }))).toBe(
      '{"a":[{"y":null,"z":1}],"b":"Ünï"}',
    )
    const parsed = parse(buildSample({ manifestExtra: { privacy: { epsilon: 1.5, delta: 1e-6 } } }))
    for (const section of ['header', 'manifest', 'recipients', 'signature'] as const) {
      const raw = parsed.raw[section]
      expect(encodeCanonicalJson(JSON.parse(new TextDecoder().decode(raw)))).toEqual(raw)
    }
    expect(parsed.manifest.privacy).toEqual({ epsilon: 1.5, delta: 1e-6 })
  })

  it('is byte-identical for the same inputs, keys and randomness, and differs only by randomness otherwise', () => {
    const a = buildSample({ random: seededRandom(7) })
    const b = buildSample({ random: seededRandom(7) })
    const c = buildSample({ random: seededRandom(8) })
    expect(a).toEqual(b)
    expect(c).not.toEqual(a)
    const [pa, pc] = [parse(a), parse(c)]
    expect(pc.raw.manifest).toEqual(pa.raw.manifest)
    expect(pc.header.crypto.nonce_base).not.toBe(pa.header.crypto.nonce_base)
    expect(pc.contentId).not.toBe(pa.contentId)
  })

  it('splits payloads over 4 MiB into chunks and opens them again', () => {
    const big = new Uint8Array(TGSP_CHUNK_SIZE + 12_345).map((_, i) => i & 0xff)
    const bytes = buildSample({ files: [{ path: 'big.bin', data: big }] })
    const parsed = parse(bytes)
    expect(parsed.payloadLength).toBeGreaterThan(TGSP_CHUNK_SIZE + 2 * 20)
    const opened = openTgspBytes(bytes, recipient.secretKey).files.get('big.bin')
    expect(opened && sha256Hex(opened)).toBe(sha256Hex(big))
  })
})
