import { describe, expect, it } from 'vitest'
import { normalizeHex, parseSigningPublicKey, readFileText } from './signing-key'

const CLASSIC = 'ab'.repeat(32)
const PQC = 'cd'.repeat(1952)

describe('signing.pub.json', () => {
  it('reads the classic and pqc keys of a Hybrid-Dilithium-v1 public key file', () => {
    const text = JSON.stringify({ alg: 'Hybrid-Dilithium-v1', classic: CLASSIC.toUpperCase(), pqc: PQC })
    expect(parseSigningPublicKey(text)).toEqual({ ok: true, key: { classic: CLASSIC, pqc: PQC } })
  })

  it('says what is wrong with other files', () => {
    expect(parseSigningPublicKey('not json')).toMatchObject({ ok: false, problem: expect.stringContaining('not JSON') })
    expect(parseSigningPublicKey('[1]')).toMatchObject({
      ok: false,
      problem: expect.stringContaining('not a public key'),
    })
    expect(parseSigningPublicKey(JSON.stringify({ alg: 'Hybrid-Kyber-v1', classic: CLASSIC, pqc: PQC }))).toMatchObject(
      {
        ok: false,
        problem: expect.stringContaining('not the encryption key'),
      },
    )
    expect(parseSigningPublicKey(JSON.stringify({ alg: 'Hybrid-Dilithium-v1', classic: CLASSIC }))).toMatchObject({
      ok: false,
      problem: expect.stringContaining('no classic and pqc'),
    })
  })

  it('refuses the secret key file, which has the same fields with the 4,032-byte ML-DSA-65 secret key', () => {
    const secret = JSON.stringify({ alg: 'Hybrid-Dilithium-v1', classic: CLASSIC, pqc: 'ef'.repeat(4032) })
    expect(parseSigningPublicKey(secret)).toMatchObject({
      ok: false,
      problem: expect.stringContaining('signing.key.json'),
    })
    const named = JSON.stringify({ alg: 'Hybrid-Dilithium-v1', classic: CLASSIC, pqc: PQC, secret_classic: CLASSIC })
    expect(parseSigningPublicKey(named)).toMatchObject({ ok: false, problem: expect.stringContaining('secret key') })
  })

  it('normalizes pasted hex and reads files with FileReader', async () => {
    expect(normalizeHex(' AB cd\n12 ')).toBe('abcd12')
    expect(await readFileText(new Blob(['{"alg":1}']))).toBe('{"alg":1}')
  })
})
