import { spawn } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..')

export type Replica = {
  name: string
  url: string
  child: ChildProcessWithoutNullStreams
  /** Resolves with -1 when a signal ended the process, else its exit code. */
  exited: Promise<number | null>
  output: () => string
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpExecArray>
}

/**
 * One BFF process as the README starts it (`node --import tsx bff/src/main.ts`: node itself,
 * so that SIGKILL ends the server and not a wrapper), on a free port; resolves once it listens.
 */
export async function startReplica(name: string, env: Record<string, string>): Promise<Replica> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bff/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', TG_LOG_LEVEL: 'info', ...env },
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((r) => child.on('exit', (code, signal) => r(code ?? (signal ? -1 : null))))
  const waitFor = async (pattern: RegExp, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const match = pattern.exec(out)
      if (match) return match
      if (child.exitCode !== null) break
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`${name}: no ${pattern} (exit ${child.exitCode}); output:\n${out.slice(-4000)}`)
  }
  const [, url] = await waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/)
  return { name, url: url!, child, exited, output: () => out, waitFor }
}

export type Credentials = { bearer?: string; session?: { cookie: string; csrf: string } }
type CallOptions = Credentials & { body?: unknown; raw?: Uint8Array; headers?: Record<string, string> }

/** An HTTP call to a replica as a client makes it: JSON or raw bytes, a bearer key or a session. */
export function call(replica: Replica, method: string, path: string, options: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`
  if (options.session) {
    headers.cookie = `tg_session=${options.session.cookie}`
    headers['x-csrf-token'] = options.session.csrf
    headers.origin = replica.url
  }
  let body: Uint8Array | string | undefined
  if (options.raw) {
    headers['content-type'] ??= 'application/octet-stream'
    body = options.raw
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json'
    headers.origin ??= replica.url
    body = JSON.stringify(options.body)
  }
  return fetch(`${replica.url}${path}`, { method, headers, body })
}

/** Server-sent events of one stream, collected as they arrive. */
export async function openEventStream(replica: Replica, path: string, bearer: string) {
  const abort = new AbortController()
  const res = await fetch(`${replica.url}${path}`, {
    headers: { authorization: `Bearer ${bearer}`, accept: 'text/event-stream' },
    signal: abort.signal,
  })
  if (res.status !== 200 || !res.body) throw new Error(`event stream: ${res.status} ${await res.text()}`)
  const events: Array<{ event: string; data: unknown }> = []
  let buffer = ''
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }))
      if (done) return
      buffer += value
      let end: number
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        const event = /^event: ?(.*)$/m.exec(block)?.[1]
        const data = /^data: ?(.*)$/m.exec(block)?.[1]
        if (event && data !== undefined) events.push({ event, data: JSON.parse(data) as unknown })
      }
    }
  })()
  const waitFor = async (what: string, match: (e: { event: string; data: unknown }) => boolean, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const found = events.find(match)
      if (found) return found
      await new Promise((r) => setTimeout(r, 25))
    }
    throw new Error(`no ${what} on the event stream; got ${JSON.stringify(events)}`)
  }
  return {
    events,
    waitFor,
    close: async () => {
      abort.abort()
      await pump
    },
  }
}

/** Polls `check` until it holds (bounded), for state that another process changes. */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
