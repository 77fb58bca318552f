// `tgctl tgsp push FILE --url URL`: uploads a package from a pipeline with an API key, streaming the
// file with its progress on stderr, and prints the server's check-by-check verdict.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { request as httpRequest } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import {
  ErrorEnvelopeSchema,
  PackageDetailSchema,
  PackageDuplicateDetailsSchema,
  PackageRejectedDetailsSchema,
  TGSP_CHECKS,
  uploadPackageRoute,
} from '@tg/contracts'
import type { TgspChecks } from '@tg/contracts'
import { UsageError, parseCommandArgs } from './usage'

/** Exit codes of `tgctl tgsp push`. */
export const TGSP_PUSH_EXIT = { verified: 0, refused: 1, misuse: 2 } as const

export const TGSP_PUSH_USAGE = `  pnpm tgctl tgsp push FILE --url URL

push uploads FILE to the console at URL with the API key in the environment variable TG_API_KEY
(a key with the publisher role; never a flag). The upload is streamed, with its progress on
stderr; each check's result is printed on stdout. Exit codes: 0 verified and stored; 1 refused
(a failed check, the same bytes uploaded before, or any other refusal, with its reason);
2 misuse or I/O (an option missing, TG_API_KEY unset, FILE unreadable, the server unreachable).`

type Print = (line: string) => void

/** One line per check, in TGSP.md order, as `verify` prints them. */
export function formatChecks(checks: Partial<TgspChecks>): string[] {
  return TGSP_CHECKS.flatMap((name) => {
    const check = checks[name]
    if (!check) return []
    const { ok, reason } = check
    const verdict = ok
      ? 'ok'
      : reason?.startsWith('Not run')
        ? reason.replace(/^Not run/, 'not run')
        : `FAILED: ${reason}`
    return `${name.padEnd(10)} ${verdict}`
  })
}

function parseInput(argv: string[]): { file: string; url: URL } {
  const { values, positionals } = parseCommandArgs(argv, { url: { type: 'string' } })
  const [file, ...extra] = positionals
  if (!file) throw new UsageError('a package FILE is required')
  if (extra.length > 0) throw new UsageError(`one file at a time (also given: ${extra.join(' ')})`)
  if (!values.url) throw new UsageError('--url URL is required (the console, e.g. https://console.example)')
  let url: URL
  try {
    url = new URL(values.url)
  } catch {
    throw new UsageError(`--url ${JSON.stringify(values.url)} is not a URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('--url must be http(s)')
  return { file, url }
}

/** Prints 0%, every further tenth, and 100% of the bytes sent. */
function progressPrinter(file: string, total: number, printError: Print) {
  let shown = -1
  return (sent: number) => {
    const tenth = total === 0 ? 10 : Math.floor((sent / total) * 10)
    if (tenth <= shown) return
    shown = tenth
    printError(`Uploading ${file}: ${tenth * 10}% (${sent} of ${total} bytes)`)
  }
}

class ConnectionError extends Error {}

/** Streams the file as the request body; resolves with the answer (which may come before the body ends). */
function send(input: { file: string; url: URL }, apiKey: string, size: number, onSent: (n: number) => void) {
  const endpoint = new URL(uploadPackageRoute.path, input.url)
  const request = endpoint.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    let answered = false
    const req = request(endpoint, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': 'application/octet-stream',
        'content-length': String(size),
      },
    })
    const source = createReadStream(input.file)
    let sent = 0
    onSent(0)
    source.on('data', (chunk) => {
      sent += chunk.length
      onSent(sent)
    })
    source.on('error', (err) => {
      req.destroy()
      reject(new UsageError(`cannot read ${input.file}: ${err.message}`))
    })
    req.on('error', (err) => {
      // An answer given before the body ended closes the connection: that answer is the one that counts.
      if (!answered) reject(new ConnectionError(`cannot reach ${input.url.origin}: ${err.message}`))
    })
    req.on('response', (res: IncomingMessage) => {
      answered = true
      source.destroy()
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      res.on('error', (err) => reject(new ConnectionError(`the answer broke off: ${err.message}`)))
    })
    source.pipe(req)
  })
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

/** Prints the refusal with its checks (422) or the existing package (409); returns the exit code. */
function printRefusal(status: number, payload: unknown, url: URL, print: Print, printError: Print): number {
  const envelope = ErrorEnvelopeSchema.safeParse(payload)
  if (!envelope.success) {
    printError(`tgctl tgsp push: the server answered ${status} without an error envelope`)
    return TGSP_PUSH_EXIT.refused
  }
  const { code, message, requestId, details } = envelope.data.error
  const rejected = PackageRejectedDetailsSchema.safeParse(details)
  if (code === 'PACKAGE_REJECTED' && rejected.success) {
    print('REJECTED')
    for (const line of formatChecks(rejected.data.checks)) print(`  ${line}`)
  }
  const duplicate = PackageDuplicateDetailsSchema.safeParse(details)
  if (status === 409 && duplicate.success)
    printError(
      `tgctl tgsp push: existing package ${new URL(`/marketplace/packages/${duplicate.data.existingId}`, url)}`,
    )
  printError(`tgctl tgsp push: refused (${status} ${code}): ${message} [request ${requestId}]`)
  return TGSP_PUSH_EXIT.refused
}

/** Runs `tgctl tgsp push ...`; returns the exit code (usage errors are thrown as UsageError). */
export async function pushCommand(
  argv: string[],
  print: Print,
  printError: Print,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const input = parseInput(argv)
  const apiKey = env.TG_API_KEY
  if (!apiKey) throw new UsageError('set TG_API_KEY to the API key (it is never taken as a flag)')
  let size: number
  try {
    const info = await stat(input.file)
    if (!info.isFile()) throw new Error('not a file')
    size = info.size
  } catch (err) {
    throw new UsageError(`cannot read ${input.file}: ${(err as Error).message}`)
  }
  let answer: { status: number; body: string }
  try {
    answer = await send(input, apiKey, size, progressPrinter(input.file, size, printError))
  } catch (err) {
    if (err instanceof ConnectionError) throw new UsageError(err.message)
    throw err
  }
  const payload = parseJson(answer.body)
  if (answer.status !== 201) return printRefusal(answer.status, payload, input.url, print, printError)
  const stored = PackageDetailSchema.safeParse(payload)
  if (!stored.success) {
    printError('tgctl tgsp push: the server answered 201 without a package')
    return TGSP_PUSH_EXIT.refused
  }
  const pkg = stored.data
  print(`VERIFIED ${pkg.modelName} ${pkg.modelVersion} (package ${pkg.packageId})`)
  for (const line of formatChecks(pkg.checks)) print(`  ${line}`)
  print(`  id         ${pkg.id}`)
  print(`  link       ${new URL(`/marketplace/packages/${pkg.id}`, input.url)}`)
  return TGSP_PUSH_EXIT.verified
}
