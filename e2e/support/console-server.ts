import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { currentTestInfo, hasFailed, printTail, reportServerLogs } from './server-logs'

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..')

export type ConsoleServer = {
  url: string
  /** The one-time setup link printed on first start; null when a user already exists. */
  setupUrl: string | null
  logs: () => string
  stop: () => Promise<void>
}

/** What the fixtures see of a server: its url, its whole output, whether it ended by itself. */
export type ServerReport = { url: string; output: () => string; hasExited: () => boolean }

const START_TIMEOUT_MS = 60_000
/** Longer than the server's own shutdown timeout (TG_SHUTDOWN_TIMEOUT_MS, 10 s by default). */
const STOP_GRACE_MS = 15_000

/** Servers of this worker that a test may be using: started and not stopped by stop(). */
const running = new Set<ServerReport>()
/** Every server process of this worker still alive, with the way to end it. */
const processes = new Map<ChildProcess, { output: () => string; stop: () => Promise<void> }>()

// A worker that ends (after a failure, or killed at a timeout) must not leave servers behind: an
// orphaned server keeps its timers running and loads the machine for every later test.
process.once('exit', () => {
  for (const child of processes.keys()) signalGroup(child, 'SIGKILL')
})

export function runningConsoleServers(): ServerReport[] {
  return [...running]
}

/** A server that crashed fails the test that saw it, and only that one. */
export function forgetConsoleServer(server: ServerReport): void {
  running.delete(server)
}

/**
 * Ends every server this worker still has: those that a failed hook never got to stop (one that
 * timed out while its server was starting, say), printing what each had said.
 */
export async function stopAllConsoleServers(): Promise<void> {
  const left = [...processes.values()]
  for (const { output } of left) printTail('a console server that no hook stopped', output())
  await Promise.all(left.map(({ stop }) => stop()))
}

/**
 * Starts the real BFF (`bff/src/main.ts`, serving the built console from web/dist) on a free
 * port with a fresh data directory, exactly as the README's start command does.
 */
export async function startConsoleServer(env: Record<string, string> = {}): Promise<ConsoleServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tg-e2e-'))
  // The run's template database (support/global-setup.ts), where the server would make its own.
  const template = process.env.TG_E2E_PGLITE_TEMPLATE
  if (template && !env.DATABASE_URL && !env.TG_DATA_DIR) cpSync(template, join(dataDir, 'pglite'), { recursive: true })
  // Its own process group, so that tsx and the node process it starts end together.
  const child = spawn(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['bff/src/main.ts'], {
    cwd: REPO_ROOT,
    detached: true,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', TG_DATA_DIR: dataDir, TG_LOG_LEVEL: 'info', ...env },
  })
  let output = ''
  let isStopping = false
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<void>((res) =>
    child.once('exit', (code, signal) => {
      processes.delete(child)
      // A server that ends while its test still uses it is the first thing a failure should name.
      if (!isStopping) output += `\n[e2e] the console server exited unexpectedly: code ${code}, signal ${signal}\n`
      res()
    }),
  )
  const terminate = async () => {
    isStopping = true
    if (child.exitCode === null && child.signalCode === null) {
      signalGroup(child, 'SIGTERM')
      const forced = setTimeout(() => signalGroup(child, 'SIGKILL'), STOP_GRACE_MS)
      await exited
      clearTimeout(forced)
    }
    rmSync(dataDir, { recursive: true, force: true })
  }
  processes.set(child, { output: () => output, stop: terminate })

  try {
    const { url, setupUrl } = await waitUntilReady(() => output, child)
    const report: ServerReport = { url, output: () => output, hasExited: () => hasExited(child) }
    running.add(report)
    const stop = async () => {
      running.delete(report)
      const testInfo = currentTestInfo()
      if (testInfo && hasFailed(testInfo)) await reportServerLogs(testInfo, [report])
      await terminate()
    }
    return { url, setupUrl, logs: () => output, stop }
  } catch (err) {
    await terminate()
    throw err
  }
}

/**
 * Waits for the listening line, then for the setup link, which follows it when no user exists
 * yet; when one does (the API says so), there is no link to wait for.
 */
async function waitUntilReady(output: () => string, child: ChildProcess) {
  const deadline = Date.now() + START_TIMEOUT_MS
  const check = (what: string) => {
    if (hasExited(child)) throw new Error(`the console server exited:\n${output()}`)
    if (Date.now() > deadline) throw new Error(`the console server did not ${what}:\n${output()}`)
    return new Promise((r) => setTimeout(r, 100))
  }
  let url: string | undefined
  while (!(url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output())?.[1])) await check('start')
  for (;;) {
    const setupUrl = /"setupUrl":"([^"]+)"/.exec(output())?.[1]
    if (setupUrl) return { url, setupUrl }
    const status = (await (await fetch(`${url}/api/v1/auth/setup`)).json()) as { setupRequired?: boolean }
    if (status.setupRequired === false) return { url, setupUrl: null }
    await check('print its setup link')
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal)
  } catch {
    // Already gone.
  }
}
