import { execFile } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)
const PG_ROOT = '/usr/lib/postgresql'

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  await new Promise((r) => server.close(r))
  return port
}

/**
 * A PostgreSQL server of its own (Debian's binaries, a temporary cluster on a free port) that a
 * test can stop and start while the console runs: the shared one must stay up for the others.
 * initdb refuses root, so as root the cluster belongs to the `postgres` user.
 */
export async function startOwnPostgres(): Promise<
  | { url: string; stop: () => Promise<void>; start: () => Promise<void>; destroy: () => Promise<void> }
  | { skip: string }
> {
  const versions = existsSync(PG_ROOT) ? readdirSync(PG_ROOT).sort((a, b) => Number(b) - Number(a)) : []
  const bin = versions.map((v) => join(PG_ROOT, v, 'bin')).find((dir) => existsSync(join(dir, 'initdb')))
  if (!bin) return { skip: `no PostgreSQL server binaries under ${PG_ROOT}` }
  const dir = mkdtempSync(join(tmpdir(), 'tg-own-pg-'))
  const asRoot = process.getuid?.() === 0
  let prefix: string[] = []
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']).catch(() => ({ stdout: '' }))
    if (!stdout.trim()) return { skip: 'running as root and there is no postgres user to own a cluster' }
    chownSync(dir, Number(stdout.trim()), -1)
    prefix = ['runuser', '-u', 'postgres', '--']
  }
  const exec = (tool: string, args: string[]) => {
    const [cmd, ...rest] = [...prefix, join(bin, tool), ...args]
    return run(cmd!, rest, { timeout: 60_000 })
  }
  const data = join(dir, 'data')
  const port = await freePort()
  await exec('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '--no-instructions'])
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`
  const start = async () => {
    await exec('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start'])
  }
  // Fast: what an operator's `systemctl stop` does; open connections are ended by the server.
  const stop = async () => {
    await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop'])
  }
  await start()
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start,
    destroy: async () => {
      await stop().catch(() => undefined)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
