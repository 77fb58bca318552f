// Malformed and hostile packages: each names the check that must fail and what its reason says.
import { describe, expect, it } from 'vitest'
import { concatBytes, utf8 } from './bytes'
import { verifyTgspStream, type TgspCheckName, type TrustedSigner } from './checks'
import { TgspFormatError, type TgspSection } from './errors'
import { publisherFingerprint } from './keys'
import { TgspStreamParser } from './parser'
import {
  TRUSTED,
  buildSample,
  editJson,
  joinParts,
  otherSigning,
  resign,
  signerOf,
  signing,
  splitParts,
  type RawParts,
} from './test-fixtures'

const BASE = buildSample()
const P = splitParts(BASE)
const MiB = 1024 * 1024

const O = (() => {
  const headerLength = 6
  const header = headerLength + 4
  const manifestLength = header + P.header.length
  const manifest = manifestLength + 4
  const recipientsLength = manifest + P.manifest.length
  const recipients = recipientsLength + 4
  const payloadLength = recipients + P.recipients.length
  const payload = payloadLength + 8
  const signatureLength = payload + P.payload.length
  const signature = signatureLength + 4
  return {
    headerLength,
    header,
    manifestLength,
    manifest,
    recipientsLength,
    recipients,
    payloadLength,
    payload,
    signatureLength,
    signature,
  }
})()

type Mutable = Record<string, unknown> & { [key: string]: any } // eslint-disable-line @typescript-eslint/no-explicit-any

interface Case {
  name: string
  bytes: () => Uint8Array
  /** For structure failures: the section the TgspFormatError names. */
  section?: TgspSection
  /** The checks that fail (structure failures fail everything). */
  failing: TgspCheckName[]
  reason: RegExp
  signers?: TrustedSigner[]
  totalBytes?: boolean
  maxPayloadBytes?: number
  maxSectionBytes?: number
}

const structure = (
  name: string,
  section: TgspSection,
  reason: RegExp,
  bytes: () => Uint8Array,
  extra: Partial<Case> = {},
): Case => ({ name, section, failing: ['structure', 'hashes', 'signatures', 'signer'], reason, bytes, ...extra })

const withParts = (edit: (p: RawParts) => Partial<RawParts>) => () => joinParts({ ...P, ...edit(P) })
const edited = (section: keyof RawParts, edit: (v: Mutable) => unknown) =>
  withParts((p) => ({ [section]: editJson(p[section], edit as (v: Record<string, unknown>) => unknown) }))
const raw = (section: keyof RawParts, text: string | Uint8Array) =>
  withParts(() => ({ [section]: typeof text === 'string' ? utf8(text) : text }))
const prefix = (n: number) => () => BASE.slice(0, n)
const editSignature = (edit: (s: Mutable) => void) => edited('signature', (s) => edit(s.signature))
const flipHex = (hex: string, at = 10) => hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1)

const truncations: Case[] = [
  structure('empty file', 'magic', /The file is empty/, prefix(0)),
  structure('inside the magic', 'magic', /ends inside the 6-byte TGSP magic after 3 byte/, prefix(3)),
  structure('right after the magic', 'header', /before the header length field/, prefix(6)),
  structure('inside the header length', 'header', /before the header length field/, prefix(8)),
  structure('after the header length', 'header', /ends inside the header: 0 of/, prefix(O.header)),
  structure('inside the header', 'header', /ends inside the header: 5 of/, prefix(O.header + 5)),
  structure('after the header', 'manifest', /before the manifest length field/, prefix(O.manifestLength)),
  structure('inside the manifest', 'manifest', /ends inside the manifest: 100 of/, prefix(O.manifest + 100)),
  structure('inside the recipients length', 'recipients', /recipients section length/, prefix(O.recipientsLength + 2)),
  structure('inside the recipients', 'recipients', /inside the recipients section/, prefix(O.recipients + 10)),
  structure('after the recipients', 'payload', /before the payload length field/, prefix(O.payloadLength)),
  structure('inside the payload length', 'payload', /before the payload length field/, prefix(O.payloadLength + 7)),
  structure('inside the payload', 'payload', /inside the payload: 1 of/, prefix(O.payload + 1)),
  structure('after the payload', 'signature', /before the signature block length/, prefix(O.signatureLength)),
  structure('inside the signature', 'signature', /inside the signature block: 1 of/, prefix(O.signature + 1)),
  structure('last byte missing', 'signature', /inside the signature block/, prefix(BASE.length - 1)),
]

const lengths: Case[] = [
  structure(
    'header length past the end of the file',
    'header',
    /header length .* runs past the end of the file/,
    () => joinParts(P, { lengths: { header: BASE.length } }),
    { totalBytes: true },
  ),
  structure(
    'manifest length past the end of the file',
    'manifest',
    /manifest length \(1,000,000 bytes\) runs past/,
    () => joinParts(P, { lengths: { manifest: 1_000_000 } }),
    { totalBytes: true },
  ),
  structure(
    'payload length past the end of the file',
    'payload',
    /payload length .* runs past the end/,
    () => joinParts(P, { lengths: { payload: BASE.length } }),
    { totalBytes: true },
  ),
  structure(
    'signature length past the end (streamed, size unknown)',
    'signature',
    /ends inside the signature block/,
    () => joinParts(P, { lengths: { signature: P.signature.length + 1 } }),
  ),
  structure('header over the cap', 'header', /header length \(1,048,577 bytes\) is over the 1 MiB cap/, () =>
    joinParts(P, { lengths: { header: MiB + 1 } }),
  ),
  structure(
    'manifest over the cap',
    'manifest',
    /^The manifest length \(5,000,000 bytes\) is over the 1 MiB cap\.$/,
    () => joinParts(P, { lengths: { manifest: 5_000_000 } }),
  ),
  structure('recipients over the cap', 'recipients', /recipients section length \(4,294,967,295 bytes\) is over/, () =>
    joinParts(P, { lengths: { recipients: 0xffffffff } }),
  ),
  structure(
    'signature over the cap',
    'signature',
    /signature block length \(2,097,152 bytes\) is over the 1 MiB cap/,
    () => joinParts(P, { lengths: { signature: 2 * MiB } }),
  ),
  structure(
    'payload over the upload limit',
    'payload',
    /payload length .* is over the upload limit of 1,000 bytes/,
    () => BASE,
    {
      maxPayloadBytes: 1000,
    },
  ),
  structure('payload length 2^53', 'payload', /9,007,199,254,740,992 bytes\) is above 2\^53 - 1/, () =>
    joinParts(P, { lengths: { payload: 2n ** 53n } }),
  ),
  structure('payload length 2^64 - 1', 'payload', /18,446,744,073,709,551,615 bytes/, () =>
    joinParts(P, { lengths: { payload: 2n ** 64n - 1n } }),
  ),
  structure('section over a configured cap', 'header', /header length .* is over the 64 bytes cap/, () => BASE, {
    maxSectionBytes: 64,
  }),
]

const trailing: Case[] = [
  structure('one byte after the signature', 'trailing', /1 unexpected byte\(s\) follow the signature block/, () =>
    concatBytes(BASE, new Uint8Array(1)),
  ),
  structure('a second package appended', 'trailing', /follow the signature block/, () => concatBytes(BASE, BASE)),
]

const magic = (bytes: number[]) => () => concatBytes(new Uint8Array(bytes), BASE.subarray(6))
const magics: Case[] = [
  structure(
    'magic TGSQ',
    'magic',
    /does not start with the TGSP magic 54 47 53 50 01 00 \(byte 4 is 51\)/,
    magic([0x54, 0x47, 0x53, 0x51, 1, 0]),
  ),
  structure('a zip file', 'magic', /not a TGSP package/, magic([0x50, 0x4b, 3, 4, 0x14, 0])),
  structure('a gzip file', 'magic', /byte 1 is 1f/, magic([0x1f, 0x8b, 8, 0, 0, 0])),
  structure('lowercase magic', 'magic', /does not start with the TGSP magic/, magic([0x74, 0x67, 0x73, 0x70, 1, 0])),
  structure('version 2.0', 'magic', /TGSP format version 2.x; only version 1.0/, magic([0x54, 0x47, 0x53, 0x50, 2, 0])),
  structure('version 1.1', 'magic', /TGSP format version 1.1;/, magic([0x54, 0x47, 0x53, 0x50, 1, 1])),
]

const json: Case[] = [
  structure('header is not JSON', 'header', /The header is not valid JSON/, raw('header', '{')),
  structure('manifest is not JSON', 'manifest', /The manifest is not valid JSON/, raw('manifest', 'not json')),
  structure('recipients are not JSON', 'recipients', /recipients section is not valid JSON/, raw('recipients', '[1,')),
  structure(
    'signature block is empty',
    'signature',
    /signature block is not valid JSON: it is empty/,
    raw('signature', ''),
  ),
  structure('manifest with a 0xff byte', 'manifest', /The manifest is not valid UTF-8/, () =>
    joinParts({
      ...P,
      manifest: concatBytes(P.manifest.subarray(0, 20), new Uint8Array([0xff]), P.manifest.subarray(21)),
    }),
  ),
  structure('header with an overlong UTF-8 slash', 'header', /The header is not valid UTF-8/, () =>
    joinParts({ ...P, header: concatBytes(utf8('{"a":"'), new Uint8Array([0xc0, 0xaf]), utf8('"}')) }),
  ),
  structure('recipients with an encoded surrogate', 'recipients', /recipients section is not valid UTF-8/, () =>
    joinParts({ ...P, recipients: concatBytes(utf8('["'), new Uint8Array([0xed, 0xa0, 0x80]), utf8('"]')) }),
  ),
  structure('manifest with a byte order mark', 'manifest', /The manifest is not valid JSON/, () =>
    joinParts({ ...P, manifest: concatBytes(new Uint8Array([0xef, 0xbb, 0xbf]), P.manifest) }),
  ),
  structure('manifest with a duplicate key', 'manifest', /the key "model_name" twice/, () => {
    const text = new TextDecoder().decode(P.manifest).replace('{', '{"model_name":"other",')
    return joinParts({ ...P, manifest: utf8(text) })
  }),
]

const schema: Case[] = [
  structure(
    'header tgsp_version 2.0',
    'header',
    /tgsp_version: .*expected "1.0"/,
    edited('header', (h) => {
      h.tgsp_version = '2.0'
    }),
  ),
  structure(
    'header without hashes',
    'header',
    /hashes is missing \(expected object\)/,
    edited('header', (h) => {
      delete h.hashes
    }),
  ),
  structure(
    'header cipher AES',
    'header',
    /crypto.alg: .*"CHACHA20_POLY1305"/,
    edited('header', (h) => {
      h.crypto.alg = 'AES_256_GCM'
    }),
  ),
  structure(
    'header nonce_base of 11 bytes',
    'header',
    /crypto.nonce_base: expected 12 bytes as lowercase hex/,
    edited('header', (h) => {
      h.crypto.nonce_base = h.crypto.nonce_base.slice(2)
    }),
  ),
  structure(
    'header payload hash in uppercase',
    'header',
    /hashes.payload: expected 32 bytes as lowercase hex/,
    edited('header', (h) => {
      h.hashes.payload = h.hashes.payload.toUpperCase()
    }),
  ),
  structure(
    'header is an array',
    'header',
    /The header does not follow TGSP v1: the header: .*expected object/,
    raw('header', '[]'),
  ),
  structure(
    'manifest without author_pubkey',
    'manifest',
    /author_pubkey is missing/,
    edited('manifest', (m) => {
      delete m.author_pubkey
    }),
  ),
  structure(
    'manifest model_name is a number',
    'manifest',
    /model_name: .*expected string/,
    edited('manifest', (m) => {
      m.model_name = 42
    }),
  ),
  structure(
    'manifest package_id not hex',
    'manifest',
    /package_id: expected 16 lowercase hex characters/,
    edited('manifest', (m) => {
      m.package_id = 'not-a-package-id'
    }),
  ),
  structure(
    'manifest created_at is a string',
    'manifest',
    /created_at: .*expected number/,
    edited('manifest', (m) => {
      m.created_at = 'yesterday'
    }),
  ),
  structure(
    'manifest content_index is an object',
    'manifest',
    /content_index: .*expected array/,
    edited('manifest', (m) => {
      m.content_index = {}
    }),
  ),
  structure(
    'manifest content hash too short',
    'manifest',
    /content_index\[1\].sha256: expected 32 bytes/,
    edited('manifest', (m) => {
      m.content_index[1].sha256 = 'abc'
    }),
  ),
  structure(
    'manifest pqc key of 1951 bytes',
    'manifest',
    /author_pubkey.pqc: expected 1952 bytes/,
    edited('manifest', (m) => {
      m.author_pubkey.pqc = m.author_pubkey.pqc.slice(2)
    }),
  ),
  structure(
    'manifest author alg Ed25519',
    'manifest',
    /author_pubkey.alg/,
    edited('manifest', (m) => {
      m.author_pubkey.alg = 'Ed25519'
    }),
  ),
  structure(
    'manifest policy_constraints is a list',
    'manifest',
    /policy_constraints: .*expected object/,
    edited('manifest', (m) => {
      m.policy_constraints = []
    }),
  ),
  structure('recipients empty', 'recipients', /recipients: expected at least one recipient/, raw('recipients', '[]')),
  structure('recipients is an object', 'recipients', /recipients: .*expected array/, raw('recipients', '{}')),
  structure(
    'recipient without encap',
    'recipients',
    /recipients\[0\].encap is missing/,
    edited('recipients', (r) => {
      delete r[0].encap
    }),
  ),
  structure(
    'recipient ct_pqc of 1087 bytes',
    'recipients',
    /recipients\[0\].encap.ct_pqc: expected 1088 bytes/,
    edited('recipients', (r) => {
      r[0].encap.ct_pqc = r[0].encap.ct_pqc.slice(2)
    }),
  ),
  structure(
    'recipient wrapper nonce of 8 bytes',
    'recipients',
    /recipients\[0\].wrapper.nonce: expected 12 bytes/,
    edited('recipients', (r) => {
      r[0].wrapper.nonce = '0011223344556677'
    }),
  ),
  structure(
    'signature block without signature',
    'signature',
    /signature is missing/,
    edited('signature', (s) => {
      delete s.signature
    }),
  ),
  structure(
    'sig_classic is a number',
    'signature',
    /signature.sig_classic: .*expected string/,
    editSignature((s) => {
      s.sig_classic = 7
    }),
  ),
  structure('signature block is a string', 'signature', /expected object/, raw('signature', '"signed"')),
]

const payloadFrame = (edit: (payload: Uint8Array) => Uint8Array) => () => {
  const payload = edit(P.payload.slice())
  return joinParts({ ...P, payload })
}
const framing: Case[] = [
  structure(
    'payload chunk declares 5 MiB',
    'payload',
    /chunk 1 declares 5,242,880 plaintext bytes, over the 4 MiB chunk size/,
    payloadFrame((p) => {
      new DataView(p.buffer).setUint32(0, 5 * MiB)
      return p
    }),
  ),
  structure(
    'payload cut inside its chunk',
    'payload',
    /payload ends inside chunk 1: 1 more bytes/,
    payloadFrame((p) => p.slice(0, -1)),
  ),
  structure(
    'payload with a stray partial frame',
    'payload',
    /ends inside the length field of chunk 2/,
    payloadFrame((p) => concatBytes(p, new Uint8Array(2))),
  ),
]

const tampered = (edit: (p: RawParts) => RawParts) => () => joinParts(edit({ ...P }))
const hashes: Case[] = [
  {
    name: 'manifest changed after hashing',
    failing: ['hashes'],
    reason: /^The manifest hash does not match \(header says [0-9a-f]{64}, the bytes hash to [0-9a-f]{64}\)\.$/,
    bytes: tampered((p) =>
      resign(
        {
          ...p,
          manifest: editJson(p.manifest, (m) => {
            m.model_version = '9.9.9'
          }),
        },
        signing,
        { keepHashes: true },
      ),
    ),
  },
  {
    name: 'recipients changed after hashing',
    failing: ['hashes'],
    reason: /^The recipients hash does not match/,
    bytes: tampered((p) =>
      resign(
        {
          ...p,
          recipients: editJson(p.recipients, (r) => {
            ;(r as unknown as Mutable)[0].recipient_id = 'someone'
          }),
        },
        signing,
        { keepHashes: true },
      ),
    ),
  },
  {
    name: 'payload byte flipped',
    failing: ['hashes'],
    reason: /^The payload hash does not match/,
    bytes: payloadFrame((p) => {
      p[100] = p[100]! ^ 0x01
      return p
    }),
  },
  {
    name: 'all three sections changed',
    failing: ['hashes'],
    reason: /manifest hash .*; the recipients hash .*; the payload hash/,
    bytes: tampered((p) =>
      resign(
        {
          ...p,
          manifest: utf8(new TextDecoder().decode(p.manifest).replace('1.2.0', '1.2.1')),
          recipients: utf8(new TextDecoder().decode(p.recipients).replace('"recipient_id":"', '"recipient_id":"x')),
          payload: concatBytes(
            p.payload.subarray(0, 50),
            new Uint8Array([p.payload[50]! ^ 0x80]),
            p.payload.subarray(51),
          ),
        },
        signing,
        { keepHashes: true },
      ),
    ),
  },
]

const signatures: Case[] = [
  {
    name: 'Ed25519 signature broken',
    failing: ['signatures'],
    reason: /^The Ed25519 signature does not verify with the author key\.$/,
    bytes: editSignature((s) => {
      s.sig_classic = flipHex(s.sig_classic)
    }),
  },
  {
    name: 'ML-DSA-65 signature broken',
    failing: ['signatures'],
    reason: /^The ML-DSA-65 signature does not verify with the author key\.$/,
    bytes: editSignature((s) => {
      s.sig_pqc = flipHex(s.sig_pqc, 2000)
    }),
  },
  {
    name: 'both signatures broken',
    failing: ['signatures'],
    reason: /Ed25519 signature does not verify.*; the ML-DSA-65 signature does not verify/,
    bytes: editSignature((s) => {
      s.sig_classic = flipHex(s.sig_classic)
      s.sig_pqc = flipHex(s.sig_pqc)
    }),
  },
  {
    name: '3293-byte pre-standard Dilithium3 signature',
    failing: ['signatures'],
    reason: /3293 bytes: it was made with pre-standard Dilithium3, not ML-DSA-65 .*3309 bytes.*re-sign the package/,
    bytes: editSignature((s) => {
      s.sig_pqc = s.sig_pqc.slice(0, 3293 * 2)
    }),
  },
  {
    name: 'ML-DSA-65 signature in uppercase hex',
    failing: ['signatures'],
    reason: /ML-DSA-65 signature is not lowercase hex/,
    bytes: editSignature((s) => {
      s.sig_pqc = s.sig_pqc.toUpperCase()
    }),
  },
  {
    name: 'Ed25519 signature of 63 bytes',
    failing: ['signatures'],
    reason: /Ed25519 signature is 63 bytes, expected 64/,
    bytes: editSignature((s) => {
      s.sig_classic = s.sig_classic.slice(2)
    }),
  },
  {
    name: 'Ed25519 signature not hex',
    failing: ['signatures'],
    reason: /Ed25519 signature is not lowercase hex/,
    bytes: editSignature((s) => {
      s.sig_classic = 'zz'.repeat(64)
    }),
  },
  {
    name: 'signed by another key than the author key',
    failing: ['signatures'],
    reason: /Ed25519 .* ML-DSA-65 /,
    bytes: tampered((p) => resign(p, otherSigning)),
  },
  {
    name: 'header changed after signing',
    failing: ['signatures'],
    reason: /Ed25519 signature does not verify.*ML-DSA-65 signature does not verify/,
    bytes: edited('header', (h) => {
      h.crypto.nonce_base = '00'.repeat(12)
    }),
  },
]

const asAuthor = (key: typeof otherSigning) =>
  tampered((p) =>
    resign(
      {
        ...p,
        manifest: editJson(p.manifest, (m) => {
          ;(m as Mutable).author_pubkey = { ...key.publicKey }
        }),
      },
      key,
    ),
  )
const signer: Case[] = [
  {
    name: 'signer unknown',
    failing: ['signer'],
    bytes: asAuthor(otherSigning),
    reason: new RegExp(
      `^Untrusted signer: no registered publisher has the key with fingerprint ${publisherFingerprint(otherSigning.publicKey.classic, otherSigning.publicKey.pqc)}\\.$`,
    ),
  },
  {
    name: 'no publishers registered',
    failing: ['signer'],
    bytes: () => BASE,
    signers: [],
    reason: /^Untrusted signer:/,
  },
  {
    name: 'signer revoked',
    failing: ['signer'],
    bytes: () => BASE,
    signers: [signerOf(signing.publicKey, 'Acme Models', true)],
    reason: /^The publisher "Acme Models" is revoked/,
  },
  {
    name: 'classic key registered with another pqc key',
    failing: ['signer'],
    bytes: () => BASE,
    signers: [{ ...signerOf(signing.publicKey), pqc: otherSigning.publicKey.pqc }],
    reason: /^Untrusted signer:/,
  },
]

const CASES: Case[] = [
  ...truncations,
  ...lengths,
  ...trailing,
  ...magics,
  ...json,
  ...schema,
  ...framing,
  ...hashes,
  ...signatures,
  ...signer,
]

/** Feeds the bytes in uneven chunks, as a network stream would. */
async function* chunked(bytes: Uint8Array) {
  const sizes = [1, 5, 64, 1000, 4096]
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length]!
    yield bytes.subarray(offset, offset + size)
    offset += size
  }
}

describe('hostile and malformed packages', () => {
  it('has at least 50 cases and a valid base package', async () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50)
    const result = await verifyTgspStream(chunked(BASE), { maxPayloadBytes: 10 * MiB, signers: TRUSTED })
    expect(Object.values(result.checks).every((c) => c.ok)).toBe(true)
  })

  it.each(CASES)('$name', async (c) => {
    const bytes = c.bytes()
    const options = {
      maxPayloadBytes: c.maxPayloadBytes ?? 10 * MiB,
      maxSectionBytes: c.maxSectionBytes,
      totalBytes: c.totalBytes ? bytes.length : undefined,
      signers: c.signers ?? TRUSTED,
    }
    const { checks, parsed } = await verifyTgspStream(chunked(bytes), options)
    const failing = (Object.keys(checks) as TgspCheckName[]).filter((name) => !checks[name].ok)
    expect(failing).toEqual(c.failing)
    expect(checks[c.failing[0]!].reason).toMatch(c.reason)
    if (c.section) {
      expect(parsed).toBeNull()
      for (const name of ['hashes', 'signatures', 'signer'] as const) {
        expect(checks[name].reason).toBe('Not run: the structure check failed.')
      }
      const parser = new TgspStreamParser(options)
      const error = (() => {
        try {
          parser.push(bytes)
          parser.finish()
        } catch (e) {
          return e
        }
      })()
      expect(error).toBeInstanceOf(TgspFormatError)
      expect((error as TgspFormatError).section).toBe(c.section)
      expect((error as TgspFormatError).reason).toMatch(c.reason)
    }
  })
})
