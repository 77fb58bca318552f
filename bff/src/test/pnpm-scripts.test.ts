import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

// The commands as an operator types them: through pnpm, whose "ELIFECYCLE Command failed" line
// and exit code are what a shell or a process manager sees.
const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..')
const localPnpm = join(root, 'node_modules/.bin/pnpm')
const pnpm = existsSync(localPnpm) ? localPnpm : 'pnpm'
const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGKILL')
})

describe('pnpm tgctl', { timeout: 60_000 }, () => {
  it('prints the tgsp usage on stdout and exits 0 for --help', () => {
    const run = spawnSync(pnpm, ['tgctl', 'tgsp', '--help'], { cwd: root, encoding: 'utf8' })
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('pnpm tgctl tgsp build --input-dir DIR')
    expect(`${run.stdout}${run.stderr}`).not.toContain('ELIFECYCLE')
  })

  it('still fails with 2 and the usage on an unknown command', () => {
    const run = spawnSync(pnpm, ['--silent', 'tgctl', 'tgsp', 'nonsense'], { cwd: root, encoding: 'utf8' })
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('Usage:')
  })
})

/** `pnpm start` (or another command) in its own process group, as a terminal runs it; resolves once it listens. */
async function startServer(command: [string, ...string[]] = [pnpm, 'start']) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tg-start-'))
  const child = spawn(command[0], command.slice(1), {
    cwd: root,
    detached: true,
    env: { ...process.env, PORT: '0', TG_DATA_DIR: dataDir },
  })
  children.push(child)
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)))
  const deadline = Date.now() + 240_000
  while (!/listening on http/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`did not start:\n${output}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return { child, exited, dataDir, output: () => output }
}

describe('pnpm start', { timeout: 300_000 }, () => {
  it('exits 0 without ELIFECYCLE on Ctrl-C (SIGINT to the whole process group)', async () => {
    const server = await startServer()
    process.kill(-(server.child.pid ?? 0), 'SIGINT')
    expect(await server.exited).toBe(0)
    expect(server.output()).toContain('"msg":"stopped"')
    expect(server.output()).not.toContain('ELIFECYCLE')
  })

  it('builds nothing when no source changed since the last build, and runs the compiled server', async () => {
    const build = spawnSync(pnpm, ['build'], { cwd: root, encoding: 'utf8' })
    expect(build.status).toBe(0)
    const outputs = ['web/dist/index.html', 'bff/dist/main.mjs'].map((file) => join(root, file))
    const built = outputs.map((file) => statSync(file).mtimeMs)
    const server = await startServer()
    expect(server.output()).toContain('web: up to date')
    expect(server.output()).toContain('bff: up to date')
    expect(server.output()).not.toMatch(/built in|vite v/)
    expect(outputs.map((file) => statSync(file).mtimeMs)).toEqual(built)
    // One Node process runs the bundle: no TypeScript loader, no pnpm or sh between it and pnpm.
    const serverPid = readFileSync(join(server.dataDir, 'server.pid'), 'utf8').trim()
    expect(readFileSync(`/proc/${serverPid}/cmdline`, 'utf8').split('\0')).toContain('bff/dist/main.mjs')
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
  })

  it('exits 0 without ELIFECYCLE and stops the server on SIGTERM to pnpm', async () => {
    const server = await startServer()
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
    expect(server.output()).toContain('"msg":"stopped"')
    expect(server.output()).not.toContain('ELIFECYCLE')
  })
})

describe("the README's start command (Quick start line 1 after the install)", { timeout: 300_000 }, () => {
  const line1 = /## Quick start\s+```sh\n(.*)\n/.exec(readFileSync(join(root, 'README.md'), 'utf8'))?.[1] ?? ''
  const startPart = line1.split(' && ').at(-1) ?? ''

  it('is `sh scripts/start.sh`, whose shell becomes the server: one process, exit 0 on SIGINT', async () => {
    expect(startPart).toBe('sh scripts/start.sh')
    const server = await startServer(['sh', 'scripts/start.sh'])
    // No wrapper stays: the process started is the server itself (the shell exec'd into node).
    const serverPid = readFileSync(join(server.dataDir, 'server.pid'), 'utf8').trim()
    expect(serverPid).toBe(String(server.child.pid))
    expect(readFileSync(`/proc/${serverPid}/cmdline`, 'utf8').split('\0').filter(Boolean)).toEqual([
      'node',
      '--max-semi-space-size=1',
      '--wasm-num-compilation-tasks=1',
      'bff/dist/main.mjs',
    ])
    process.kill(-(server.child.pid ?? 0), 'SIGINT')
    expect(await server.exited).toBe(0)
    expect(server.output()).toContain('"msg":"stopped"')
  })
})
