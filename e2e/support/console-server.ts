import { spawn } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..')

export type ConsoleServer = {
  url: string
  /** The one-time setup link printed on first start; null when a user already exists. */
  setupUrl: string | null
  logs: () => string
  stop: () => Promise<void>
}

/** What a test's fixture sees of a server: its url, its whole output, and whether it ended by itself. */
export type ServerReport = { url: string; output: () => string; hasExited: () => boolean }

/** Servers of this worker that a test may still be using: started and not stopped by stop(). */
const running = new Set<ServerReport>()

export function runningConsoleServers(): ServerReport[] {
  return [...running]
}

/**
 * Starts the real BFF (`bff/src/main.ts`, serving the built console from web/dist) on a free
 * port with a fresh data directory, exactly as the README's start command does.
 */
export async function startConsoleServer(env: Record<string, string> = {}): Promise<ConsoleServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tg-e2e-'))
  const child: ChildProcessWithoutNullStreams = spawn(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['bff/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', TG_DATA_DIR: dataDir, TG_LOG_LEVEL: 'info', ...env },
  })
  let output = ''
  let isStopping = false
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<void>((res) =>
    child.once('exit', (code, signal) => {
      // A server that ends while its test still uses it is the first thing a failure should name.
      if (!isStopping) output += `\n[e2e] the console server exited unexpectedly: code ${code}, signal ${signal}\n`
      res()
    }),
  )

  const deadline = Date.now() + 60_000
  let url: string | undefined
  while (!url) {
    url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
    if (child.exitCode !== null) throw new Error(`the console server exited:\n${output}`)
    if (Date.now() > deadline) throw new Error(`the console server did not start:\n${output}`)
    if (!url) await new Promise((r) => setTimeout(r, 100))
  }
  // The setup link follows the listening line when no user exists yet.
  await new Promise((r) => setTimeout(r, 300))
  const setupUrl = /"setupUrl":"([^"]+)"/.exec(output)?.[1] ?? null
  const report: ServerReport = {
    url,
    output: () => output,
    hasExited: () => child.exitCode !== null || child.signalCode !== null,
  }
  running.add(report)

  return {
    url,
    setupUrl,
    logs: () => output,
    stop: async () => {
      running.delete(report)
      isStopping = true
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
