import { spawn } from 'node:child_process'
import { request } from 'node:http'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { createDatabase } from '../db/client'

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..')
const tsx = join(root, 'node_modules/.bin/tsx')
const children: ChildProcessWithoutNullStreams[] = []
afterAll(() => children.forEach((c) => c.kill('SIGKILL')))

function start(env: Record<string, string>) {
  const child = spawn(tsx, ['bff/src/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', TG_LOG_LEVEL: 'info', ...env },
  })
  children.push(child)
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)))
  const waitFor = async (pattern: RegExp, timeoutMs = 90_000) => {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const match = pattern.exec(out)
      if (match) return match
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`timed out waiting for ${pattern}; output:\n${out}`)
  }
  return { child, exited, waitFor, output: () => out }
}

function statusFor(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the server process', { timeout: 120_000 }, () => {
  it('refuses to start in production without its secrets, naming them', async () => {
    const server = start({ TG_ENV: 'production', TG_DATA_DIR: 'relative-dir' })
    expect(await server.exited).toBe(1)
    expect(server.output()).toMatch(/TG_KEY_MASTER[\s\S]*TG_SESSION_SECRET[\s\S]*durable database/)
  })

  it('prints the setup link, locks its data directory, and shuts down gracefully on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tg-proc-'))
    chmodSync(dataDir, 0o755) // as an earlier version left it
    const server = start({ TG_DATA_DIR: dataDir })
    const [, url] = (await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/)) as unknown as [string, string]
    for (const dir of [dataDir, join(dataDir, 'pglite'), join(dataDir, 'blobs')])
      expect((statSync(dir).mode & 0o777).toString(8), dir).toBe('700')
    const [, link] = (await server.waitFor(/"setupUrl":"([^"]+)"/)) as unknown as [string, string]
    expect(link).toMatch(new RegExp(`^${url}/setup#token=[A-Za-z0-9_-]{43}$`))
    expect(existsSync(join(dataDir, 'server.pid'))).toBe(true)

    // Through the real HTTP server: the Host header decides, and the probes answer any host.
    expect(await statusFor(`${url}/api/v1/auth/session`, 'evil.example')).toBe(421)
    expect(await statusFor(`${url}/api/v1/auth/session`, 'localhost:1')).toBe(401)
    expect(await statusFor(`${url}/healthz`, '10.42.0.17:8080')).toBe(200)

    const second = start({ TG_DATA_DIR: dataDir })
    expect(await second.exited).not.toBe(0)
    expect(second.output()).toContain('is in use by process')

    // An in-flight request still gets its answer. Half of its body is sent, then SIGTERM once the
    // server has surely accepted the connection (it cannot answer before the body is whole),
    // then the rest of the body.
    const body = JSON.stringify({ username: 'nobody', password: 'not a real password' })
    const half = Math.floor(body.length / 2)
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))
    const inFlight = new Promise<number>((resolve, reject) => {
      const req = request(`${url}/api/v1/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      })
      req.on('response', (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.write(body.slice(0, half), async () => {
        await pause(1500)
        server.child.kill('SIGTERM')
        await pause(300)
        req.end(body.slice(half))
      })
    })
    expect(await inFlight).toBe(401)
    expect(await server.exited).toBe(0)
    expect(server.output()).toContain('"msg":"stopped"')
    expect(existsSync(join(dataDir, 'server.pid'))).toBe(false)
    await expect(fetch(`${url}/healthz`)).rejects.toThrow()
  })
  it('on embedded PGlite, vacuums and analyzes what needs it, as autovacuum would, and logs each step', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tg-proc-'))
    // A database left with dead rows and never analyzed (as one made before this maintenance was).
    const database = createDatabase({ kind: 'pglite', dir: join(dataDir, 'pglite') })
    await database.migrate()
    await database.db.execute(sql`create table maintenance_probe (id serial primary key, v text)`)
    for (let i = 0; i < 5; i++) {
      await database.db.execute(
        sql`insert into maintenance_probe (v) select 'row ' || g from generate_series(1, 400) g`,
      )
      await database.db.execute(sql`delete from maintenance_probe where id % 4 <> 0`)
    }
    await database.close()
    const server = start({ TG_DATA_DIR: dataDir })
    await server.waitFor(/listening on/)
    await server.waitFor(/embedded database maintenance: vacuum maintenance_probe/)
    await server.waitFor(/embedded database maintenance: analyze users/)
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
    expect(server.output()).not.toContain('embedded database maintenance failed')
  })
})
