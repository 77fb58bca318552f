import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect } from 'vitest'
import { verifyBundle } from '@tg/contracts/formats/audit'
import { createPostgresDatabase } from './harness'
import { call, startReplica, until } from './replica-process'
import type { Replica } from './replica-process'

// Helpers of the fault suites: one real server process (as the README starts it), its first
// admin and an API key, and the checks that the log on disk is whole after a fault.

const PASSWORD = 'correct horse battery staple'

/** The environment of one server whose state outlives its process: restart it with the same. */
export function serverEnv(name: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TG_DATA_DIR: mkdtempSync(join(tmpdir(), `tg-fault-${name}-`)),
    TG_BLOB_DIR: mkdtempSync(join(tmpdir(), `tg-fault-${name}-blobs-`)),
    TG_WEB_DIST: mkdtempSync(join(tmpdir(), `tg-fault-${name}-web-`)),
    TG_SESSION_SECRET: 'fault-session-secret-0123456789abcdef',
    TG_KEY_MASTER: 'fault-key-master-0123456789abcdef-0123456789',
    TG_RATE_LIMIT_DISABLED: 'true',
    TG_AUDIT_CHECKPOINT_EVERY: '10',
    TG_SHUTDOWN_TIMEOUT_MS: '2000',
    ...extra,
  }
}

/** Completes the first-run setup of a fresh server and answers a key with every write role. */
export async function firstAdminKey(server: Replica): Promise<string> {
  const [, setupUrl] = await server.waitFor(/"setupUrl":"([^"]+)"/)
  const setup = await call(server, 'POST', '/api/v1/auth/setup', {
    body: {
      token: new URL(setupUrl!).hash.replace('#token=', ''),
      username: 'ada',
      displayName: 'Ada',
      password: PASSWORD,
    },
  })
  expect(setup.status, await setup.clone().text()).toBe(201)
  const session = {
    cookie: /tg_session=([^;]+)/.exec(setup.headers.get('set-cookie') ?? '')![1]!,
    csrf: ((await setup.json()) as { csrfToken: string }).csrfToken,
  }
  const created = await call(server, 'POST', '/api/v1/admin/api-keys', {
    session,
    body: { name: 'fault machine', roles: ['admin', 'auditor', 'operator', 'publisher', 'release-manager'] },
  })
  expect(created.status, await created.clone().text()).toBe(201)
  return ((await created.json()) as { secret: string }).secret
}

/** Kills the server with SIGKILL (no shutdown hook runs) and waits until it is gone. */
export async function killHard(server: Replica) {
  server.child.kill('SIGKILL')
  expect(await server.exited).toBe(-1)
}

/** Starts the server again on the same state; its first self-check has run when this resolves. */
export async function restart(name: string, env: Record<string, string>, key: string) {
  const started = new Date()
  const server = await startReplica(name, env)
  await until('the first self-check after the restart', async () => {
    const res = await call(server, 'GET', '/api/v1/audit/integrity', { bearer: key })
    const state = (await res.json()) as { checkedAt: string | null }
    return res.status === 200 && state.checkedAt !== null && new Date(state.checkedAt) >= started
  })
  return server
}

/**
 * The log as the server's own self-check and `tgctl audit verify` see it: the self-check clean,
 * and the export bundle (after a fresh checkpoint) verifying offline. Answers the entries.
 */
export async function verifiedLog(server: Replica, key: string) {
  const integrity = (await (await call(server, 'GET', '/api/v1/audit/integrity', { bearer: key })).json()) as {
    status: string
    finding: unknown
  }
  expect(integrity).toMatchObject({ status: 'ok', finding: null })
  const cut = await call(server, 'POST', '/api/v1/audit/checkpoints', { bearer: key, body: {} })
  expect([200, 201]).toContain(cut.status)
  const res = await call(server, 'GET', '/api/v1/audit/export', { bearer: key })
  expect(res.status).toBe(200)
  const bundle = (await res.json()) as { entries: Array<{ seq: number; canonical: string }>; checkpoints: unknown[] }
  expect(await verifyBundle(bundle)).toMatchObject({ ok: true })
  const rows = bundle.entries.map((e) => ({
    seq: e.seq,
    ...(JSON.parse(e.canonical) as { action: string; resource: { id: string | null } }),
  }))
  expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i))
  return rows
}

/** Every file under `dir`, relative, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
}

/** One line of figures per suite, printed from the test itself (README "Faults"). */
export function printFigures(suite: string, figures: Record<string, string | number>) {
  const text = Object.entries(figures)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ')
  process.stdout.write(`[faults] ${suite}: ${text}\n`)
}

/**
 * The databases a kill suite runs on: the embedded default (PGlite) and, where one answers, a
 * PostgreSQL database of the suite's own (dropped after it, with every server the suite started
 * and left running killed). Call at the top of a test file; `track` each server started.
 */
export async function killTargets(suite: string) {
  const postgres = await createPostgresDatabase()
  if ('skip' in postgres) console.warn(`[${suite}] PostgreSQL case skipped: ${postgres.skip}`)
  const running: Replica[] = []
  afterAll(async () => {
    for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL')
    if ('drop' in postgres) await postgres.drop()
  })
  const targets: Array<[string, Record<string, string> | null]> = [
    ['embedded PGlite', {}],
    [
      'PostgreSQL',
      'target' in postgres && postgres.target.kind === 'postgres' ? { DATABASE_URL: postgres.target.url } : null,
    ],
  ]
  return { targets, track: (server: Replica) => void running.push(server) }
}
