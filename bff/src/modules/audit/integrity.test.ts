import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEntryPage, AuditIntegrity, AuditLeaves, SystemHealth } from '@tg/contracts'
import { createApp } from '../../app'
import type { DatabaseTarget } from '../../db/client'
import { createLogger } from '../../lib/logger'
import { disabledRateLimiter } from '../../lib/rate-limit-store'
import { createHarness, createPostgresDatabase, json } from '../../test/harness'
import type { Caller, Harness } from '../../test/harness'

const postgres = await createPostgresDatabase()
if ('skip' in postgres) console.warn(`[integrity.test] PostgreSQL tests skipped: ${postgres.skip}`)
afterAll(async () => {
  if ('drop' in postgres) await postgres.drop()
})

const targets: Array<[string, DatabaseTarget | null]> = [
  ['embedded PGlite', { kind: 'pglite', dir: 'memory://' }],
  ['PostgreSQL', 'target' in postgres ? postgres.target : null],
]

/** Queues `n` audit records (as many state changes would) and sequences them. */
async function seed(h: Harness, n: number) {
  await h.database.db.execute(
    sql.raw(`insert into audit_pending (actor_type, actor_name, action, resource_type, resource_id, outcome, details)
      select 'user', 'user' || (g % 7), 'admin.user_updated', 'user', 'u' || g, 'success', jsonb_build_object('n', g)
      from generate_series(1, ${n}) g`),
  )
  await h.services.audit.drain()
}

/** Runs `statement` on the log's tables with their append-only triggers off, as a superuser can. */
async function behindTheBack(h: Harness, statement: string, table = 'audit_log') {
  const db = h.database.db
  await db.execute(sql.raw(`alter table ${table} disable trigger user`))
  try {
    await db.execute(sql.raw(statement))
  } finally {
    await db.execute(sql.raw(`alter table ${table} enable trigger user`))
  }
}

async function errorOf(h: Harness, statement: string): Promise<string> {
  const err = await h.database.db.execute(sql.raw(statement)).then(
    () => expect.unreachable(`${statement} succeeded`),
    (e: unknown) => e as Error & { cause?: Error },
  )
  return `${err.message} ${err.cause?.message ?? ''}`
}

async function actions(h: Harness, action: string) {
  return (await h.auditEntries()).filter((e) => e.action === action)
}

/** Another server process on the same database: its first self-check rehashes from entry 0. */
function restartedServer(h: Harness) {
  return createApp({
    config: { publicUrl: undefined, trustProxy: false, sessionTtlMs: 60_000, maxJsonBytes: 4096, webDist: '/none' },
    database: h.database,
    log: createLogger('silent'),
    rateLimiter: disabledRateLimiter(),
    sessionSecret: 'test-session-secret-0123456789abcdef',
    keyMaster: 'test-key-master-0123456789abcdef-0123456789',
    audit: {
      origin: undefined,
      checkpointEvery: 1000,
      checkpointIntervalMs: 3600_000,
      pinnedKeys: [],
      selfCheckIntervalMs: 3600_000,
      selfCheckFullIntervalMs: 3600_000,
    },
    tgsp: { blobDir: h.blobDir, maxUploadBytes: 1024, channels: ['stable'] },
  }).services.audit
}

describe.each(targets)('the audit self-check on %s', (_name, target) => {
  let h: Harness
  let viewer: Caller
  let auditor: Caller
  const get = async <T>(path: string, caller: Caller = auditor) => {
    const res = await h.request('GET', path, caller)
    expect(res.status, path).toBe(200)
    return json<T>(res)
  }

  beforeAll(async () => {
    if (!target) return
    h = await createHarness({ target })
    viewer = { bearer: await h.apiKey(['viewer'], 'viewer key') }
    auditor = { bearer: await h.apiKey(['auditor'], 'auditor key') }
    await seed(h, 300)
    await h.services.audit.createCheckpoint()
  })
  afterAll(async () => {
    if (target) await h.close()
  })

  it.skipIf(!target)('the append-only guard names the table it guards', async () => {
    expect(await errorOf(h, 'update audit_log set actor_name = null where seq = 1')).toContain(
      'audit_log is append-only: UPDATE refused',
    )
    expect(await errorOf(h, 'delete from audit_log where seq = 1')).toContain(
      'audit_log is append-only: DELETE refused',
    )
    expect(await errorOf(h, 'delete from audit_nodes where level = 0 and idx = 1')).toContain(
      'audit_nodes is append-only: DELETE refused',
    )
    expect(await errorOf(h, 'truncate audit_checkpoints')).toContain(
      'audit_checkpoints is append-only: TRUNCATE refused',
    )
  })

  it.skipIf(!target)('a whole log checks clean, and a later check rehashes only the new rows', async () => {
    const first = await h.services.audit.checkIntegrity()
    const treeSize = (await h.auditEntries()).length
    expect(first.state).toMatchObject({ status: 'ok', finding: null, checkedTreeSize: treeSize })
    expect(first.rows).toBe(treeSize)
    await seed(h, 25)
    const second = await h.services.audit.checkIntegrity()
    expect(second.rows).toBe(25)
    expect(second.state.checkedTreeSize).toBe(treeSize + 25)
    const ready = await json<{ checks: { auditIntegrity: string } }>(await h.request('GET', '/readyz'))
    expect(ready.checks.auditIntegrity).toBe('ok')
    expect(await (await h.request('GET', '/metrics')).text()).toMatch(/^tg_audit_integrity_ok 1$/m)
  })

  it.skipIf(!target)('deleted rows raise one shared alarm, reported everywhere, until they are back', async () => {
    await h.database.db.execute(
      sql.raw('create table saved_rows as select * from audit_log where seq between 150 and 152'),
    )
    await behindTheBack(h, 'delete from audit_log where seq between 150 and 152')

    const raised = await h.services.audit.checkIntegrity()
    expect(raised.newFinding).toMatchObject({ kind: 'missing', seq: 150 })
    expect(raised.state).toMatchObject({ status: 'failed', finding: { kind: 'missing', seq: 150 } })
    expect(raised.state.finding?.message).toContain('Entry 150 is missing')
    expect((await h.services.audit.checkIntegrity()).newFinding).toBeNull()
    const failed = await actions(h, 'audit.integrity_failed')
    expect(failed).toHaveLength(1)
    expect(failed[0]?.body).toMatchObject({ outcome: 'failure', actor: { name: 'tg-bff' }, details: { seq: 150 } })

    // Readiness reports it without taking the replica out of service.
    const ready = await h.request('GET', '/readyz')
    expect(ready.status).toBe(200)
    expect(await json(ready)).toMatchObject({
      checks: { auditIntegrity: 'failed' },
      auditIntegrity: { status: 'failed', finding: { kind: 'missing', seq: 150 } },
    })
    const health = await get<SystemHealth>('/api/v1/system/health', viewer)
    expect(health.status).toBe('degraded')
    const component = health.components.find((c) => c.name === 'audit')
    expect(component?.status).toBe('failed')
    expect(component?.message).toContain('Entry 150 is missing')
    const metrics = await (await h.request('GET', '/metrics')).text()
    expect(metrics).toMatch(/^tg_audit_integrity_ok 0$/m)
    expect(metrics).toMatch(/^tg_audit_integrity_first_bad_seq 150$/m)
    expect(metrics).toMatch(/^tg_audit_integrity_findings_total\{kind="missing"\} 1$/m)
    expect(await get<AuditIntegrity>('/api/v1/audit/integrity', viewer)).toMatchObject({
      status: 'failed',
      finding: { seq: 150 },
    })

    // The entries list and the leaves route say what is missing instead of skipping it.
    const page = await get<AuditEntryPage>('/api/v1/audit/entries?limit=200')
    expect(page.missing).toEqual([{ first: 150, last: 152 }])
    expect(page.items.map((i) => i.seq)).not.toContain(151)
    const filtered = await get<AuditEntryPage>('/api/v1/audit/entries?actor=user3&limit=200')
    expect(filtered.missing).toEqual([{ first: 150, last: 152 }])
    const leaves = await get<AuditLeaves>('/api/v1/audit/leaves?start=140&count=20')
    expect(leaves.missing).toEqual([{ first: 150, last: 152 }])
    expect(leaves.entries).toHaveLength(17)

    // Put back, the rows check clean again in a pass that started after the finding: cleared.
    await behindTheBack(h, 'insert into audit_log select * from saved_rows')
    const cleared = await h.services.audit.checkIntegrity()
    expect(cleared.state).toMatchObject({ status: 'ok', finding: null })
    expect(await actions(h, 'audit.integrity_restored')).toHaveLength(1)
    expect((await get<AuditEntryPage>('/api/v1/audit/entries?limit=200')).missing).toEqual([])
  })

  it.skipIf(!target)('a changed entry text is named by the next full pass', async () => {
    const edit = (from: string, to: string) =>
      behindTheBack(h, `update audit_log set canonical = replace(canonical, '${from}', '${to}') where seq = 40`)
    await edit('"details":{"n":', '"details":{"n":1')
    const restarted = restartedServer(h)
    const run = await restarted.checkIntegrity()
    expect(run.newFinding).toMatchObject({ kind: 'altered', seq: 40 })
    expect(run.state.finding?.message).toBe('Entry 40: its stored leaf hash is not the hash of its stored text.')
    // The first server's own next check keeps the shared alarm (its pass predates the finding).
    expect((await h.services.audit.checkIntegrity()).state.status).toBe('failed')
    await edit('"details":{"n":1', '"details":{"n":')
    expect((await restarted.checkIntegrity()).state.status).toBe('ok')
  })

  it.skipIf(!target)('a changed tree node or checkpoint root is named too', async () => {
    const flip = (table: string, column: string, where: string) =>
      behindTheBack(h, `update ${table} set ${column} = sha256(${column}) where ${where}`, table)
    await h.database.db.execute(
      sql.raw('create table saved_node as select * from audit_nodes where level = 3 and idx = 2'),
    )
    await flip('audit_nodes', 'hash', 'level = 3 and idx = 2')
    const node = await restartedServer(h).checkIntegrity()
    expect(node.newFinding).toMatchObject({ kind: 'node', seq: 16 })
    expect(node.newFinding?.message).toBe(
      'The tree node (level 3, index 2) over entries 16..23 is not the hash of those entries.',
    )
    await behindTheBack(
      h,
      'update audit_nodes n set hash = s.hash from saved_node s where n.level = 3 and n.idx = 2',
      'audit_nodes',
    )
    await flip('audit_checkpoints', 'root_hash', 'tree_size = (select min(tree_size) from audit_checkpoints)')
    const sizes = (await h.database.db.execute(
      sql.raw('select min(tree_size)::int as size from audit_checkpoints'),
    )) as unknown as { rows: Array<{ size: number }> }
    const size = sizes.rows[0]?.size ?? 0
    const checkpoint = await restartedServer(h).checkIntegrity()
    expect(checkpoint.newFinding).toMatchObject({ kind: 'checkpoint', seq: size - 1 })
  })
})

describe.skipIf(!('target' in postgres))('replicas on one PostgreSQL database', () => {
  it('share one alarm, audited once', async () => {
    const db = await createPostgresDatabase()
    if (!('target' in db)) return
    const [a, b] = [await createHarness({ target: db.target }), await createHarness({ target: db.target })]
    try {
      await seed(a, 50)
      await behindTheBack(a, 'delete from audit_log where seq = 20')
      expect((await a.services.audit.checkIntegrity()).newFinding).toMatchObject({ kind: 'missing', seq: 20 })
      expect(await b.services.audit.integrity()).toMatchObject({ status: 'failed', finding: { seq: 20 } })
      expect((await b.services.audit.checkIntegrity()).newFinding).toBeNull()
      expect(await actions(b, 'audit.integrity_failed')).toHaveLength(1)
    } finally {
      await Promise.all([a.close(), b.close()])
      await db.drop()
    }
  })
})
