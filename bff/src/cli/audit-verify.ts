import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import {
  ALGORITHM_LABELS,
  AUDIT_BUNDLE_FORMAT,
  AUDIT_ENTRY_PROOF_FORMAT,
  describeCoverage,
  parseVerifierKey,
  verifyAuditFile,
} from '@tg/contracts/formats/audit'
import type { BundleSummary, EntryProofSummary, VerifiedKey, VerifierKey } from '@tg/contracts/formats/audit'

/** Exit codes of `tgctl audit verify`. */
export const AUDIT_VERIFY_EXIT = { holds: 0, broken: 1, unusable: 2 } as const

export const AUDIT_VERIFY_USAGE = `  pnpm tgctl audit verify FILE.json [--trusted-key VERIFIER_KEY ...]

Verifies an audit export bundle (${AUDIT_BUNDLE_FORMAT}) offline: both signatures of every
checkpoint, the consistency between its checkpoints, its stated range against the last
checkpoint, the canonical form, inclusion proof and previous-hash link of every entry, and that
every entry of the range is in it (a filtered bundle accounts for the ones it leaves out by their
leaf hashes). It says which entries were proven complete, of which tree size, and whether a filter
left some out. It also verifies one entry's proof (${AUDIT_ENTRY_PROOF_FORMAT}, "Download
proof" on an entry): both signatures of its checkpoint, the entry's canonical form and its
inclusion proof up to the checkpoint's root. Without --trusted-key the file's own public keys are
used: compare their fingerprints out of band.
Exit codes: 0 all holds; 1 the bundle or proof is broken or was tampered with (the first broken
link is named); 2 the file cannot be read, is not JSON, is not a bundle or proof of a known format (v1 bundles do
not state their range and are refused: export again), or the command is misused (an unknown
option, a missing file argument, a bad --trusted-key).`

type Print = (line: string) => void
class UsageError extends Error {}

function parseInput(argv: string[]): { file: string; trustedKeys: VerifierKey[] } {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { 'trusted-key': { type: 'string', multiple: true, default: [] } },
    })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const [file, ...extra] = parsed.positionals
  if (!file) throw new UsageError('a bundle file is required')
  if (extra.length > 0) throw new UsageError(`one bundle file at a time (also given: ${extra.join(' ')})`)
  const trustedKeys = parsed.values['trusted-key'].map((text) => {
    try {
      return parseVerifierKey(text)
    } catch (err) {
      throw new UsageError(
        `--trusted-key ${JSON.stringify(text.slice(0, 40))} is not a verifier key: ${(err as Error).message}`,
      )
    }
  })
  return { file, trustedKeys }
}

async function readJson(file: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new UsageError(`${file} is not JSON: ${(err as Error).message}`)
  }
}

function printKeys(summary: { keys: VerifiedKey[]; selfCertified: boolean }, print: Print, what: string): void {
  const keys = [...new Map(summary.keys.map((k) => [`${k.algorithm}:${k.keyId}`, k])).values()]
  for (const key of keys) print(`  signed by ${ALGORITHM_LABELS[key.algorithm]} key ${key.keyId} (${key.name})`)
  if (summary.selfCertified)
    print(
      `  The signatures were checked against the keys inside the ${what}: compare their fingerprints out of band, or pass --trusted-key.`,
    )
}

function printHolds(summary: BundleSummary, print: Print): void {
  print(`ALL HOLDS: ${describeCoverage(summary)}`)
  print(`  ${summary.entries} entries in the bundle, ${summary.checkpoints} checkpoint(s) of ${summary.origin}.`)
  printKeys(summary, print, 'bundle')
}

function printEntryHolds(summary: EntryProofSummary, print: Print): void {
  const { entry } = summary
  print(`ALL HOLDS: entry ${summary.seq} is in the log of tree size ${summary.treeSize} (${summary.origin}).`)
  print(
    `  ${entry.time} ${entry.action} on ${entry.resource.type}${entry.resource.id ? ` ${entry.resource.id}` : ''}: ${entry.outcome}`,
  )
  print(`  leaf hash ${summary.leafHash}`)
  printKeys(summary, print, 'proof')
  print('  One entry: its neighbours and the completeness of the log are not proven (export a bundle for that).')
}

/** `tgctl audit verify`: returns the exit code (AUDIT_VERIFY_EXIT). Reads one file; no network. */
export async function auditVerify(argv: string[], print: Print, printError: Print): Promise<number> {
  try {
    const { file, trustedKeys } = parseInput(argv)
    const bundle = await readJson(file)
    const result = await verifyAuditFile(bundle, trustedKeys.length > 0 ? { trustedKeys } : {})
    if (result.ok) {
      if (result.kind === 'entry') printEntryHolds(result.summary, print)
      else printHolds(result.summary, print)
      return AUDIT_VERIFY_EXIT.holds
    }
    if (result.failure.kind === 'format') {
      printError(`NOT VERIFIED: ${file}: ${result.failure.message}`)
      return AUDIT_VERIFY_EXIT.unusable
    }
    print(`BROKEN: ${result.failure.message}`)
    return AUDIT_VERIFY_EXIT.broken
  } catch (err) {
    // Nothing was shown to be tampered with: the bundle could not be verified at all.
    const message =
      err instanceof UsageError ? `${err.message}\n\nUsage:\n${AUDIT_VERIFY_USAGE}` : `could not verify: ${String(err)}`
    printError(`tgctl audit verify: ${message}`)
    return AUDIT_VERIFY_EXIT.unusable
  }
}
