import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { ALGORITHM_LABELS, parseVerifierKey, verifyBundle } from '@tg/contracts/formats/audit'

export const AUDIT_VERIFY_USAGE = `  pnpm tgctl audit verify BUNDLE.json [--trusted-key VERIFIER_KEY ...]

Verifies an audit export bundle offline: both signatures of every checkpoint, the consistency
between its checkpoints, the canonical form and inclusion proof of every entry and the
previous-hash chain. Exits 0 when all holds, 1 naming the first broken link. Without
--trusted-key the bundle's own public keys are used: compare their fingerprints out of band.`

/** `tgctl audit verify`: returns the exit code. Reads one file; no network. */
export async function auditVerify(argv: string[], print: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'trusted-key': { type: 'string', multiple: true, default: [] } },
  })
  const [file] = positionals
  if (!file) throw new Error(`a bundle file is required\n${AUDIT_VERIFY_USAGE}`)
  const trustedKeys = values['trusted-key'].map((text) => parseVerifierKey(text))
  let bundle: unknown
  try {
    bundle = JSON.parse(await readFile(file, 'utf8'))
  } catch (err) {
    throw new Error(`cannot read ${file} as JSON: ${(err as Error).message}`, { cause: err })
  }
  const result = await verifyBundle(bundle, trustedKeys.length > 0 ? { trustedKeys } : {})
  if (!result.ok) {
    print(`BROKEN: ${result.failure.message}`)
    return 1
  }
  const { summary } = result
  print(
    `ALL HOLDS: ${summary.entries} entries and ${summary.checkpoints} checkpoint(s) of ${summary.origin}, ` +
      `tree size ${summary.treeSize}.`,
  )
  const keys = [...new Map(summary.keys.map((k) => [`${k.algorithm}:${k.keyId}`, k])).values()]
  for (const key of keys) print(`  signed by ${ALGORITHM_LABELS[key.algorithm]} key ${key.keyId} (${key.name})`)
  if (summary.selfCertified)
    print(
      '  The signatures were checked against the keys inside the bundle: compare their fingerprints out of band, or pass --trusted-key.',
    )
  return 0
}
