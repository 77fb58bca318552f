// `tgctl tgsp ...`: keygen, build, inspect, verify and open TGSP v1 packages.
import { readFile } from 'node:fs/promises'
import { TarEntryError, TgspFormatError, TgspOpenError } from '@tg/contracts/formats/tgsp'
import { buildPackageFile } from './build'
import { formatInspection, inspectPackageFile } from './inspect'
import {
  readEncryptionPublicKey,
  readEncryptionSecretKey,
  readPublisher,
  readSigningPublicKey,
  readSigningSecretKey,
  writeKeyPair,
} from './keys'
import { openPackageFile } from './open'
import { TGSP_PUSH_USAGE, formatChecks, pushCommand } from './push'
import { UsageError, parseCommandArgs } from './usage'
import { verifyPackageFile } from './verify'

export const TGSP_USAGE = `  pnpm tgctl tgsp keygen --type signing|encryption --out DIR
  pnpm tgctl tgsp build --input-dir DIR --out FILE --model-name NAME --model-version VERSION
        --recipients PUB.json [PUB.json ...] --signing-key KEY.json --signing-pub PUB.json
        [--base-model ID ...] [--package-id HEX16] [--created-at UNIX_SECONDS]
        [--description-file FILE]
  pnpm tgctl tgsp inspect FILE [--json]
  pnpm tgctl tgsp verify FILE --publisher PUB.json [--publisher PUB.json ...] [--json]
  pnpm tgctl tgsp open FILE --key KEY.json --out-dir DIR [--publisher PUB.json ...]

TGSP v1 packages (encrypted model adapters with a signed manifest). keygen writes hybrid key
pairs (signing: Ed25519 + ML-DSA-65; encryption: X25519 + ML-KEM-768); secret files are 0600 and
never overwritten. build streams a directory into a package (--description-file puts a UTF-8 text,
the model card the console shows, in the manifest's description); verify runs the console's upload
checks (structure, hashes, signatures, signer) and exits 0 only when all pass, 1 otherwise;
open decrypts with a recipient key into DIR (absent or empty), refusing unsafe tar entries.

${TGSP_PUSH_USAGE}`

type Print = (line: string) => void

async function keygen(argv: string[], print: Print): Promise<number> {
  const { values } = parseCommandArgs(argv, { type: { type: 'string' }, out: { type: 'string' } })
  if (values.type !== 'signing' && values.type !== 'encryption')
    throw new UsageError('--type signing|encryption is required')
  if (!values.out) throw new UsageError('--out DIR is required')
  const written = await writeKeyPair(values.out, values.type)
  print(`Wrote ${written.publicFile} and ${written.secretFile} (mode 0600).`)
  print(`Fingerprint: ${written.fingerprint}`)
  return 0
}

function required(values: Record<string, unknown>, names: string[]): void {
  const missing = names.filter((name) => values[name] === undefined)
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((n) => `--${n}`).join(', ')}`)
}

/** The manifest's `description` read from a UTF-8 file (the model card), or nothing. */
async function descriptionOf(file: string | undefined): Promise<{ description: string } | undefined> {
  if (file === undefined) return undefined
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new UsageError(`cannot read --description-file ${file}: ${(err as Error).message}`)
  }
  if (!text.trim()) throw new UsageError(`--description-file ${file} is empty`)
  return { description: text }
}

async function build(argv: string[], print: Print): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    'input-dir': { type: 'string' },
    out: { type: 'string' },
    'model-name': { type: 'string' },
    'model-version': { type: 'string' },
    recipients: { type: 'string', multiple: true },
    'signing-key': { type: 'string' },
    'signing-pub': { type: 'string' },
    'base-model': { type: 'string', multiple: true },
    'package-id': { type: 'string' },
    'created-at': { type: 'string' },
    'description-file': { type: 'string' },
  })
  required(values, ['input-dir', 'out', 'model-name', 'model-version', 'recipients', 'signing-key', 'signing-pub'])
  // `--recipients A.json B.json`: the files after the first arrive as positionals.
  const recipientFiles = [...(values.recipients ?? []), ...positionals]
  const createdAt = values['created-at'] === undefined ? undefined : Number(values['created-at'])
  if (createdAt !== undefined && !(Number.isFinite(createdAt) && createdAt >= 0)) {
    throw new UsageError('--created-at takes Unix seconds')
  }
  const result = await buildPackageFile({
    inputDir: values['input-dir']!,
    out: values.out!,
    modelName: values['model-name']!,
    modelVersion: values['model-version']!,
    recipients: await Promise.all(recipientFiles.map(readEncryptionPublicKey)),
    signingKey: await readSigningSecretKey(values['signing-key']!),
    signingPub: await readSigningPublicKey(values['signing-pub']!),
    baseModels: values['base-model'] ?? [],
    packageId: values['package-id'],
    createdAt,
    manifestExtra: await descriptionOf(values['description-file']),
  })
  print(`Built ${result.file} (${result.bytes} bytes) for ${recipientFiles.length} recipient(s).`)
  return 0
}

function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`expected exactly one ${what}`)
  return positionals[0]!
}

async function inspect(argv: string[], print: Print): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean', default: false } })
  const file = onePositional(positionals, 'FILE')
  const inspection = await inspectPackageFile(file)
  if (values.json) {
    const { prelude, signature } = inspection
    print(
      JSON.stringify({
        header: prelude.header,
        manifest: prelude.manifest,
        recipients: prelude.recipients.length,
        payloadLength: prelude.payloadLength,
        signature: {
          key_id: signature.key_id,
          sigClassicBytes: signature.signature.sig_classic.length / 2,
          sigPqcBytes: signature.signature.sig_pqc.length / 2,
        },
      }),
    )
  } else for (const line of formatInspection(file, inspection)) print(line)
  return 0
}

async function verify(argv: string[], print: Print): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    publisher: { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
  })
  const file = onePositional(positionals, 'FILE')
  if (!values.publisher?.length) throw new UsageError('name the trusted publisher keys with --publisher PUB.json')
  const signers = await Promise.all(values.publisher.map(readPublisher))
  const { checks, parsed, signer } = await verifyPackageFile(file, signers)
  const ok = Object.values(checks).every((check) => check.ok)
  if (values.json) print(JSON.stringify({ ok, checks }))
  else {
    print(`${file}: ${ok ? 'VERIFIED' : 'REJECTED'}`)
    for (const line of formatChecks(checks)) print(`  ${line}`)
    if (parsed)
      print(`  package ${parsed.manifest.package_id} ${parsed.manifest.model_name} ${parsed.manifest.model_version}`)
    if (signer) print(`  signed by ${signer.name} (${signer.id})`)
  }
  return ok ? 0 : 1
}

async function openCommand(argv: string[], print: Print): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    key: { type: 'string' },
    'out-dir': { type: 'string' },
    publisher: { type: 'string', multiple: true },
  })
  const file = onePositional(positionals, 'FILE')
  required(values, ['key', 'out-dir'])
  const signers = values.publisher ? await Promise.all(values.publisher.map(readPublisher)) : undefined
  const result = await openPackageFile({
    file,
    secretKey: await readEncryptionSecretKey(values.key!),
    outDir: values['out-dir']!,
    signers,
  })
  print(
    `Opened ${file} into ${result.outDir}: ${result.files} file(s), ${result.directories} ` +
      `director${result.directories === 1 ? 'y' : 'ies'}, ` +
      `${result.bytes} bytes (recipient entry ${result.recipientIndex + 1}).`,
  )
  return 0
}

const COMMANDS: Record<string, (argv: string[], print: Print) => Promise<number>> = {
  keygen,
  build,
  inspect,
  verify,
  open: openCommand,
}

/** Runs `tgctl tgsp <command> ...`; returns the exit code (2 for usage errors). */
export async function tgspCommand(
  argv: string[],
  print: Print,
  printError: Print,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [name, ...rest] = argv
  const command = name === undefined ? undefined : COMMANDS[name]
  if (!command && name !== 'push') {
    printError(`Usage:\n${TGSP_USAGE}`)
    return 2
  }
  try {
    return command ? await command(rest, print) : await pushCommand(rest, print, printError, env)
  } catch (error) {
    if (error instanceof UsageError) {
      printError(`tgctl tgsp ${name}: ${error.message}\nUsage:\n${TGSP_USAGE}`)
      return 2
    }
    if (error instanceof TgspFormatError || error instanceof TgspOpenError || error instanceof TarEntryError) {
      printError(`tgctl tgsp ${name}: ${error.message}`)
      return 1
    }
    throw error
  }
}
