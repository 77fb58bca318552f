// The checks this console runs on a parsed package (TGSP.md "What this console checks"): hashes,
// both signatures, and signer trust. Each returns a reason that names what is wrong.
import { ed25519 } from '@noble/curves/ed25519.js'
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js'
import { concatBytes, fromHex } from './bytes'
import { TGSP_SIZES } from './constants'
import { TgspFormatError } from './errors'
import { publisherFingerprint } from './keys'
import { TgspStreamParser, type TgspParsed, type TgspParserOptions } from './parser'

export interface CheckResult {
  ok: boolean
  reason: string | null
}

/** A publisher key registered by an admin (hex keys). */
export interface TrustedSigner {
  id: string
  name: string
  classic: string
  pqc: string
  revoked: boolean
}

export type TgspCheckName = 'structure' | 'hashes' | 'signatures' | 'signer'
export type TgspChecks = Record<TgspCheckName, CheckResult>

const PASSED: CheckResult = { ok: true, reason: null }
const fail = (reason: string): CheckResult => ({ ok: false, reason })

/** The header's manifest, recipients and payload hashes against the bytes that were read. */
export function checkHashes(p: TgspParsed): CheckResult {
  const problems: string[] = []
  for (const section of ['manifest', 'recipients', 'payload'] as const) {
    const claimed = p.header.hashes[section]
    const actual = p.digests[section]
    if (claimed !== actual) {
      problems.push(`the ${section} hash does not match (header says ${claimed}, the bytes hash to ${actual})`)
    }
  }
  if (problems.length === 0) return PASSED
  const text = problems.join('; ')
  return fail(`${text.charAt(0).toUpperCase()}${text.slice(1)}.`)
}

/** Parses `hex` as exactly `bytes` bytes, or returns the reason it cannot be. */
function decodeHex(hex: string, bytes: number, what: string): Uint8Array | string {
  if (!/^[0-9a-f]*$/.test(hex) || hex.length % 2 !== 0) return `${what} is not lowercase hex`
  if (hex.length !== bytes * 2) return `${what} is ${hex.length / 2} bytes, expected ${bytes}`
  return fromHex(hex)
}

function checkEd25519(p: TgspParsed, message: Uint8Array): string | null {
  const signature = decodeHex(p.signature.signature.sig_classic, TGSP_SIZES.ed25519Signature, 'the Ed25519 signature')
  if (typeof signature === 'string') return signature
  const key = fromHex(p.manifest.author_pubkey.classic)
  let valid: boolean
  try {
    valid = ed25519.verify(signature, message, key, { zip215: false })
  } catch {
    valid = false
  }
  return valid ? null : 'the Ed25519 signature does not verify with the author key'
}

function checkMlDsa(p: TgspParsed, message: Uint8Array): string | null {
  const hex = p.signature.signature.sig_pqc
  if (hex.length === TGSP_SIZES.dilithium3Signature * 2 && /^[0-9a-f]*$/.test(hex)) {
    return (
      `the post-quantum signature is ${TGSP_SIZES.dilithium3Signature} bytes: it was made with pre-standard ` +
      `Dilithium3, not ML-DSA-65 (FIPS 204, ${TGSP_SIZES.mlDsa65Signature} bytes); ` +
      're-sign the package with an ML-DSA-65 key and upload it again'
    )
  }
  const signature = decodeHex(hex, TGSP_SIZES.mlDsa65Signature, 'the ML-DSA-65 signature')
  if (typeof signature === 'string') return signature
  let valid: boolean
  try {
    valid = ml_dsa65.verify(signature, message, fromHex(p.manifest.author_pubkey.pqc))
  } catch {
    valid = false
  }
  return valid ? null : 'the ML-DSA-65 signature does not verify with the author key'
}

/**
 * Ed25519 and ML-DSA-65 over the raw header || manifest || recipients, with manifest.author_pubkey.
 * The signature block's `key_id` is a producer's label for its key (the platform's tool writes
 * whatever name it was given), is not signed, and is shown but not checked: the keys that count
 * are the signed `author_pubkey` and the registered publisher keys.
 */
export function checkSignatures(p: TgspParsed): CheckResult {
  const message = concatBytes(p.raw.header, p.raw.manifest, p.raw.recipients)
  const problems = [checkEd25519(p, message), checkMlDsa(p, message)].filter((x): x is string => x !== null)
  if (problems.length === 0) return PASSED
  const text = problems.join('; ')
  return fail(`${text.charAt(0).toUpperCase()}${text.slice(1)}.`)
}

/** The author key (both halves) must be a registered publisher key that is not revoked. */
export function checkSigner(
  p: TgspParsed,
  signers: readonly TrustedSigner[],
): CheckResult & { signer: TrustedSigner | null } {
  const { classic, pqc } = p.manifest.author_pubkey
  const matches = signers.filter((s) => s.classic.toLowerCase() === classic && s.pqc.toLowerCase() === pqc)
  const active = matches.find((s) => !s.revoked)
  if (active) return { ...PASSED, signer: active }
  const revoked = matches[0]
  if (revoked) {
    return {
      ...fail(`The publisher "${revoked.name}" is revoked: packages signed with its key are not accepted.`),
      signer: revoked,
    }
  }
  const fingerprint = publisherFingerprint(classic, pqc)
  return {
    ...fail(`Untrusted signer: no registered publisher has the key with fingerprint ${fingerprint}.`),
    signer: null,
  }
}

/** Every check on a package that parsed (so the structure check passed). */
export function verifyParsed(
  p: TgspParsed,
  signers: readonly TrustedSigner[],
): { checks: TgspChecks; signer: TrustedSigner | null } {
  const { signer, ...signerCheck } = checkSigner(p, signers)
  return {
    checks: { structure: PASSED, hashes: checkHashes(p), signatures: checkSignatures(p), signer: signerCheck },
    signer,
  }
}

const NOT_RUN: CheckResult = { ok: false, reason: 'Not run: the structure check failed.' }

/**
 * Streams `source` through the parser and runs every check. Never throws for bad input: a
 * structure failure is reported as the structure check, with the other checks not run. Errors
 * of the source itself (I/O) propagate.
 */
export async function verifyTgspStream(
  source: AsyncIterable<Uint8Array>,
  options: TgspParserOptions & { signers: readonly TrustedSigner[] },
): Promise<{ checks: TgspChecks; parsed: TgspParsed | null; signer: TrustedSigner | null }> {
  const parser = new TgspStreamParser(options)
  let parsed: TgspParsed
  try {
    for await (const chunk of source) parser.push(chunk)
    parsed = parser.finish()
  } catch (error) {
    if (!(error instanceof TgspFormatError)) throw error
    return {
      checks: { structure: fail(error.reason), hashes: NOT_RUN, signatures: NOT_RUN, signer: NOT_RUN },
      parsed: null,
      signer: null,
    }
  }
  return { ...verifyParsed(parsed, options.signers), parsed }
}
