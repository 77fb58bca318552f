/**
 * `pnpm bench` (memory at rest): starts the console the README's way (the start command of Quick
 * start line 1, after its install, in its own process group) on an empty temporary data directory,
 * waits for /readyz, lets it settle and sums the resident memory (VmRSS) of the whole process
 * tree from /proc: first start (the database is created), then a later start on the same folder.
 * Prints every process of the tree with its own figure. Goal: the whole tree under 250 MB on both.
 * BENCH_MEMORY_COMMAND replaces the start command (for example `npx -y pnpm@10.34.9 start`).
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..')
/** README line 1 is `<install> && <start>`: the start part, as an operator runs it after the install. */
function readmeStartCommand() {
  const line1 = /## Quick start\s+```sh\n(.*)\n/.exec(readFileSync(join(ROOT, 'README.md'), 'utf8'))?.[1]
  const start = line1?.split(' && ').at(-1)
  if (!start) throw new Error('README.md has no Quick start line 1')
  return start
}
const COMMAND = process.env.BENCH_MEMORY_COMMAND ?? readmeStartCommand()
const SETTLE_MS = Number(process.env.BENCH_MEMORY_SETTLE_MS ?? 3000)
const GOAL_MB = 250

type Proc = { pid: number; ppid: number; rssMb: number; pssMb: number; command: string }

function readProc(pid: number): Proc | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0)
    const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0)
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ')
    // PSS shares each page among the processes that map it (the node binary, mapped by several).
    const pssKb = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0)
    return { pid, ppid, rssMb: rssKb / 1024, pssMb: pssKb / 1024, command }
  } catch {
    return null // gone meanwhile
  }
}

/** The process and all its descendants, from /proc. */
export function processTree(rootPid: number): Proc[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProc(Number(name)))
    .filter((p): p is Proc => p !== null)
  const tree: Proc[] = []
  const queue = [rootPid]
  while (queue.length > 0) {
    const pid = queue.shift() as number
    const proc = all.find((p) => p.pid === pid)
    if (!proc) continue
    tree.push(proc)
    for (const child of all) if (child.ppid === pid) queue.push(child.pid)
  }
  return tree
}

async function startAndMeasure(dataDir: string, label: string) {
  const started = performance.now()
  const child = spawn('sh', ['-c', `exec ${COMMAND}`], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, PORT: '0', TG_DATA_DIR: dataDir, TG_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<string>((res) => child.on('exit', (code, signal) => res(String(code ?? signal))))
  let url: string | undefined
  while (!url) {
    if (child.exitCode !== null) throw new Error(`${label}: the console did not start:\n${output}`)
    url = /listening on (http:\/\/[\d.:]+)/.exec(output)?.[1]
    await new Promise((r) => setTimeout(r, 100))
  }
  for (;;) {
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ready) break
    await new Promise((r) => setTimeout(r, 200))
  }
  const readyMs = performance.now() - started
  await new Promise((r) => setTimeout(r, SETTLE_MS))
  const tree = processTree(child.pid as number)
  const total = tree.reduce((sum, p) => sum + p.rssMb, 0)
  const pss = tree.reduce((sum, p) => sum + p.pssMb, 0)
  const server = tree.find((p) => p.command.includes('main.'))
  console.log(
    `  ${label}: ready in ${(readyMs / 1000).toFixed(1)} s; whole tree at rest ${total.toFixed(0)} MB resident ` +
      `(sum of RSS; ${pss.toFixed(0)} MB proportional, PSS), ${tree.length} processes; goal < ${GOAL_MB}: ` +
      `${total < GOAL_MB ? 'met' : 'missed'}; the server process alone ${server ? server.rssMb.toFixed(0) : '?'} MB`,
  )
  for (const p of tree)
    console.log(
      `    ${p.rssMb.toFixed(0).padStart(5)} MB RSS ${p.pssMb.toFixed(0).padStart(5)} MB PSS  ${p.command.slice(0, 90)}`,
    )
  // Ctrl-C, as a terminal sends it: to the whole group. npm exec's `sh -c` dies by the signal and npm
  // then re-raises it (exit SIGINT), while pnpm and the server stop cleanly: wait for all of them.
  process.kill(-(child.pid as number), 'SIGINT')
  const how = await exited
  while (tree.some((p) => existsSync(`/proc/${p.pid}`))) await new Promise((r) => setTimeout(r, 100))
  console.log(`    stopped on SIGINT (${COMMAND.split(' ')[0]} exit ${how})`)
  return total
}

export async function runMemoryBench() {
  console.log(`\nmemory at rest: \`${COMMAND}\` on an empty data directory, settled ${SETTLE_MS} ms after /readyz`)
  const dataDir = mkdtempSync(join(tmpdir(), 'tg-bench-memory-'))
  try {
    await startAndMeasure(dataDir, 'first start (new database)')
    await startAndMeasure(dataDir, 'later start (existing database)')
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await runMemoryBench()
