/**
 * The server under load for `pnpm bench:load`: the real BFF as its own process, started the way
 * the README's start command does (`node --import tsx bff/src/main.ts`, serving web/dist), on a
 * fresh data directory; and a sampler of its resident memory read from /proc.
 */
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..')

export type LoadServer = {
  url: string
  pid: number
  /** The first-run setup link the server printed (a fresh data directory has no user). */
  setupUrl: string
  /** The last part of what the server printed (for a failure's report). */
  tail: () => string
  stop: () => Promise<void>
}

const START_TIMEOUT_MS = 120_000
const KEEP_OUTPUT = 64 * 1024

export function startLoadServer(env: Record<string, string>): Promise<LoadServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bff/src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', TG_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  let hasExited = false
  const onData = (d: Buffer) => {
    output = (output + d.toString()).slice(-KEEP_OUTPUT)
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
  const exited = new Promise<void>((done) =>
    child.once('exit', () => {
      hasExited = true
      done()
    }),
  )
  const stop = async () => {
    if (!hasExited) {
      child.kill('SIGTERM')
      const forced = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(forced)
    }
  }
  return new Promise((resolveStart, reject) => {
    const deadline = Date.now() + START_TIMEOUT_MS
    const poll = setInterval(() => {
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
      const setupUrl = /"setupUrl":"([^"]+)"/.exec(output)?.[1]
      if (url && setupUrl && child.pid !== undefined) {
        clearInterval(poll)
        resolveStart({ url, pid: child.pid, setupUrl, tail: () => output.slice(-4000), stop })
      } else if (hasExited || Date.now() > deadline) {
        clearInterval(poll)
        void stop().then(() => reject(new Error(`the server did not start:\n${output.slice(-4000)}`)))
      }
    }, 100)
  })
}

/** Resident memory of a process in MB (VmRSS), from /proc. */
export function residentMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return Number(kb ?? 0) / 1024
}

/** CPU seconds a process has used (user + system), from /proc/PID/stat (clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** The machine's 1-minute load average (other work on a shared machine shows here). */
export const loadAverage = () => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0])

export type MemorySample = { atS: number; rssMb: number; cpuS: number; load: number }

/** Samples `pid`'s resident memory, its CPU time and the machine's load every `everyMs` from now until stopped; times are seconds from `t0`. */
export function sampleMemory(pid: number, t0: number, everyMs: number) {
  const samples: MemorySample[] = []
  const take = () =>
    samples.push({
      atS: (performance.now() - t0) / 1000,
      rssMb: residentMb(pid),
      cpuS: cpuSeconds(pid),
      load: loadAverage(),
    })
  take()
  const timer = setInterval(take, everyMs)
  return {
    samples,
    stop: () => {
      clearInterval(timer)
      take()
      return samples
    },
  }
}
