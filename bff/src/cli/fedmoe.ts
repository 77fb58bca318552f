// `tgctl fedmoe evidence push`: posts an evidence file from a CI pipeline with an ingest key.
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import {
  ErrorEnvelopeSchema,
  EvidenceBodySchema,
  EvidenceReceiptSchema,
  IDEMPOTENCY_KEY_HEADER,
  evidenceDigest,
  ingestEvidenceRoute,
} from '@tg/contracts'

/** Exit codes of `tgctl fedmoe evidence push`. */
export const FEDMOE_PUSH_EXIT = { ok: 0, refused: 1, misuse: 2 } as const

export const FEDMOE_USAGE = `  pnpm tgctl fedmoe evidence push FILE --url URL --expert ID --version ID [--idempotency-key KEY]

Posts the evidence in FILE (JSON: one EVAL_RESULT, SIM_SUCCESS, REAL_WORLD_VLD, PEER_REVIEW or
VLA_BENCHMARK body) to the version of an expert family, with the API key in the environment
variable TG_API_KEY (an ingest key from the family page, or an operator's key; never a flag).
Prints the item's id, its digest (checked against the file's) and whether it was a replay of
the same --idempotency-key. Exit codes: 0 ingested (or replayed); 1 the server refused it (the
reason and each invalid field are printed) or could not be reached; 2 misuse (an unknown or
missing option, TG_API_KEY unset, a FILE that cannot be read or is not JSON).`

type Print = (line: string) => void
class UsageError extends Error {}

type PushInput = { file: string; url: URL; expertId: string; versionId: string; idempotencyKey: string | undefined }

function parseInput(argv: string[]): PushInput {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        expert: { type: 'string' },
        version: { type: 'string' },
        'idempotency-key': { type: 'string' },
      },
    })
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const [file, ...extra] = parsed.positionals
  if (!file) throw new UsageError('an evidence FILE is required')
  if (extra.length > 0) throw new UsageError(`one file at a time (also given: ${extra.join(' ')})`)
  const { url, expert, version } = parsed.values
  if (!url || !expert || !version) throw new UsageError('--url, --expert and --version are required')
  let base: URL
  try {
    base = new URL(url)
  } catch {
    throw new UsageError(`--url ${JSON.stringify(url)} is not a URL`)
  }
  return { file, url: base, expertId: expert, versionId: version, idempotencyKey: parsed.values['idempotency-key'] }
}

async function readEvidence(file: string): Promise<{ text: string; value: unknown }> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`)
  }
  try {
    return { text, value: JSON.parse(text) }
  } catch (err) {
    throw new UsageError(`${file} is not JSON: ${(err as Error).message}`)
  }
}

function endpointOf(input: PushInput): URL {
  const path = ingestEvidenceRoute.path
    .replace('{expertId}', encodeURIComponent(input.expertId))
    .replace('{versionId}', encodeURIComponent(input.versionId))
  return new URL(path, input.url)
}

function printRefusal(status: number, payload: unknown, printError: Print): void {
  const envelope = ErrorEnvelopeSchema.safeParse(payload)
  if (!envelope.success) {
    printError(`tgctl fedmoe: the server answered ${status} without an error envelope`)
    return
  }
  const { code, message, requestId, details } = envelope.data.error
  printError(`tgctl fedmoe: refused (${status} ${code}): ${message} [request ${requestId}]`)
  const issues = (details as { issues?: Array<{ path: string; message: string }> } | undefined)?.issues ?? []
  for (const issue of issues) printError(`  ${issue.path || '(body)'}: ${issue.message}`)
}

/** Posts the file; returns the exit code (FEDMOE_PUSH_EXIT). */
async function push(argv: string[], env: NodeJS.ProcessEnv, print: Print, printError: Print): Promise<number> {
  const input = parseInput(argv)
  const apiKey = env.TG_API_KEY
  if (!apiKey) throw new UsageError('set TG_API_KEY to the API key (it is never taken as a flag)')
  const { text, value } = await readEvidence(input.file)
  let res: Response
  try {
    res = await fetch(endpointOf(input), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/json',
        ...(input.idempotencyKey ? { [IDEMPOTENCY_KEY_HEADER]: input.idempotencyKey } : {}),
      },
      body: text,
    })
  } catch (err) {
    printError(`tgctl fedmoe: cannot reach ${input.url.origin}: ${(err as Error).cause ?? (err as Error).message}`)
    return FEDMOE_PUSH_EXIT.refused
  }
  const payload: unknown = await res.json().catch(() => null)
  if (res.status !== 200 && res.status !== 201) {
    printRefusal(res.status, payload, printError)
    return FEDMOE_PUSH_EXIT.refused
  }
  const receipt = EvidenceReceiptSchema.safeParse(payload)
  if (!receipt.success) {
    printError(`tgctl fedmoe: the server's answer (${res.status}) is not an evidence receipt`)
    return FEDMOE_PUSH_EXIT.refused
  }
  const item = receipt.data
  // The server hashes what it validated: the same digest proves it stored this file's evidence.
  const local = EvidenceBodySchema.safeParse(value)
  if (local.success && evidenceDigest(local.data) !== item.digest) {
    printError(`tgctl fedmoe: the server's digest ${item.digest} is not the file's ${evidenceDigest(local.data)}`)
    return FEDMOE_PUSH_EXIT.refused
  }
  print(`${item.replayed ? 'Replayed' : 'Ingested'} evidence ${item.id} (${item.type}, ${item.traceCount} traces)`)
  print(`  digest:   ${item.digest}`)
  print(`  replayed: ${item.replayed ? 'yes (this key and body were ingested before; nothing new was written)' : 'no'}`)
  print(`  audit:    ${item.audit.action} of ${item.audit.resourceType} ${item.audit.resourceId}`)
  return FEDMOE_PUSH_EXIT.ok
}

/** `tgctl fedmoe ...`: returns the exit code. */
export async function fedmoeCommand(
  argv: string[],
  print: Print,
  printError: Print,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [noun, verb, ...rest] = argv
  try {
    if (noun !== 'evidence' || verb !== 'push') throw new UsageError('unknown command')
    return await push(rest, env, print, printError)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    printError(`tgctl fedmoe: ${err.message}\n\nUsage:\n${FEDMOE_USAGE}`)
    return FEDMOE_PUSH_EXIT.misuse
  }
}
