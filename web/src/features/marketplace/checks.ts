import { TGSP_CHECKS } from '@tg/contracts'
import type { TgspChecks } from '@tg/contracts'

export type CheckName = (typeof TGSP_CHECKS)[number]

export const CHECK_LABELS: Record<CheckName, string> = {
  structure: 'Structure',
  hashes: 'Hashes',
  signatures: 'Signatures',
  signer: 'Signer',
  identity: 'Identity',
}

/** What each check verifies (TGSP.md, "What this console checks on upload"). */
export const CHECK_DESCRIPTIONS: Record<CheckName, string> = {
  structure: 'Magic, section lengths within their caps, nothing after the signature, valid JSON with required fields.',
  hashes: 'SHA-256 of the manifest, recipients and payload equal the values in the header.',
  signatures: 'The Ed25519 and ML-DSA-65 signatures over header, manifest and recipients both verify.',
  signer: 'The manifest’s author key is a publisher key registered by an admin and not revoked.',
  identity: 'This package id and model version are not already published with different bytes.',
}

/** What a failed check means for the publisher, and what they can do about it. */
const FAILURE_ADVICE: Record<CheckName, string> = {
  structure:
    'The file is not a well-formed TGSP v1 package: export it again with the packaging tool, and upload the file unchanged.',
  hashes:
    'The file is damaged or was changed after it was packaged (a section no longer matches its hash): copy it again from the original, or package it again from the source.',
  signatures:
    'The signatures do not verify over these bytes: sign the package again with the publisher’s key (ML-DSA-65 as in FIPS 204, not pre-standard Dilithium3).',
  signer:
    'The package is signed by a key this console does not trust: register the publisher’s key or sign with a registered key.',
  identity:
    'This package id and version are already published with different bytes: publish the change under a new model_version.',
}

const NOT_RUN_REASON = 'Not checked, because the structure check failed.'

/** A check passed, failed, or could not run because the file's structure was already wrong. */
export type CheckVerdict = 'passed' | 'failed' | 'not run'

export type CheckRow = {
  name: CheckName
  label: string
  verdict: CheckVerdict
  /** What the person reads under the name: what was verified, or the server's reason it was not. */
  detail: string
  /** One line on what a failure means for the publisher; null unless the check failed. */
  advice: string | null
}

/** Every check but structure needs a readable file: after a structure failure they did not run. */
export function verdictOf(name: CheckName, checks: TgspChecks): CheckVerdict {
  if (checks[name].ok) return 'passed'
  if (name !== 'structure' && !checks.structure.ok) return 'not run'
  // Damaged or altered bytes are not compared with published packages (the server skips identity).
  if (name === 'identity' && (!checks.hashes.ok || !checks.signatures.ok)) return 'not run'
  return 'failed'
}

/** One line for a failed check: what it means for the publisher and what to do. */
export function adviceFor(name: CheckName, checks: TgspChecks): string | null {
  return verdictOf(name, checks) === 'failed' ? FAILURE_ADVICE[name] : null
}

function detailOf(name: CheckName, checks: TgspChecks, verdict: CheckVerdict): string {
  const { reason } = checks[name]
  if (verdict === 'passed') return reason ? `${CHECK_DESCRIPTIONS[name]} ${reason}` : CHECK_DESCRIPTIONS[name]
  if (verdict === 'not run') return reason ?? NOT_RUN_REASON
  return reason ?? 'The server gave no reason.'
}

/** The five checks in TGSP.md order, ready to list. */
export function checkRowsOf(checks: TgspChecks): CheckRow[] {
  return TGSP_CHECKS.map((name) => {
    const verdict = verdictOf(name, checks)
    return {
      name,
      label: CHECK_LABELS[name],
      verdict,
      detail: detailOf(name, checks, verdict),
      advice: adviceFor(name, checks),
    }
  })
}
