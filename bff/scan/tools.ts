/** `pnpm scan` (tools part): installs wapiti and sqlmap when missing, runs a tool under a hard timeout. */
import { execSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'

const PACKAGES = ['wapiti', 'sqlmap'] as const

/** Installs the Debian packages wapiti and sqlmap when one is missing (apt-get, as root or through sudo). */
export function ensureScanners(): void {
  const missing = PACKAGES.filter((name) => !existsSync(`/usr/bin/${name}`))
  if (missing.length === 0) return
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`${missing.join(' and ')} missing and apt-get is not available: install them (Debian packages)`)
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!isRoot && !existsSync('/usr/bin/sudo')) {
    throw new Error(`${missing.join(' and ')} missing: run \`apt-get install -y ${missing.join(' ')}\` as root`)
  }
  const sudo = isRoot ? '' : 'sudo '
  const policy = execSync(`apt-cache policy ${missing.join(' ')}`, { encoding: 'utf8' })
  console.log(`scan: installing ${missing.join(', ')} from Debian\n${policy.trim()}`)
  execSync(
    `${sudo}apt-get update -qq && ${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`,
    { stdio: 'inherit' },
  )
  const still = PACKAGES.filter((name) => !existsSync(`/usr/bin/${name}`))
  if (still.length > 0) throw new Error(`installation finished but /usr/bin/${still.join(', /usr/bin/')} is missing`)
}

export type ToolRun = { code: number | null; output: string; timedOut: boolean }

/** Runs a command in its own process group and kills the group after `timeoutMs`. */
export function runTool(command: string, args: string[], timeoutMs: number, cwd?: string): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    let timedOut = false
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    const kill = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal)
      } catch {
        // Already gone.
      }
    }
    const timer = setTimeout(() => {
      timedOut = true
      kill('SIGTERM')
      setTimeout(() => kill('SIGKILL'), 5_000).unref()
    }, timeoutMs)
    child.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, output, timedOut })
    })
  })
}
