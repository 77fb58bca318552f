/**
 * `pnpm bench` (audit part): how fast state changes with their audit records reach the Merkle
 * log, on the embedded PGlite and on PostgreSQL, each measured in the same run beside its
 * references, and how long one checkpoint takes to verify.
 *
 * Four ways, on one database per target, WRITERS concurrent writers, APPENDS writes each:
 * - plain appends (reference): one transaction per write holding only its audit record, as before;
 * - two-statement transactions (reference): the state change and the audit record, one
 *   transaction per write, with no Merkle log work at all (the floor of a transaction a write);
 * - one transaction a write (before): the state change and its audit record in their own
 *   transaction, then the sequencer, as the API did before group commit;
 * - group commit (after): the same work through `audit.transaction`, as the API does now: the
 *   writes that arrive together share one transaction and one tree update.
 * The clock stops when every record is in the Merkle log (for the two-statement reference: when
 * every transaction has committed). Options: BENCH_AUDIT_APPENDS (default 4000),
 * BENCH_AUDIT_WRITERS (default 16).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseVerifierKey, verifyCheckpoint } from '@tg/contracts/formats/audit'
import { PGLITE_WRITE_WINDOW_MS, POSTGRES_WRITE_BATCHES } from '../src/app'
import { createDatabase } from '../src/db/client'
import type { DatabaseTarget, Tx } from '../src/db/client'
import { createLogger } from '../src/lib/logger'
import { createSealer } from '../src/lib/seal'
import { createAuditService } from '../src/modules/audit/service'
import type { AuditService } from '../src/modules/audit/service'
import { reserveAttempt } from '../src/modules/auth/throttle'
import { createPostgresDatabase } from '../src/test/harness'

const APPENDS = Number(process.env.BENCH_AUDIT_APPENDS ?? 4000)
const WRITERS = Number(process.env.BENCH_AUDIT_WRITERS ?? 16)
const ALL_MODES = ['plain', 'two-statement', 'before', 'after'] as const
/** BENCH_AUDIT_MODES (comma separated) and BENCH_AUDIT_TARGETS (pglite,postgres): parts alone, for profiles. */
const MODES = ALL_MODES.filter((m) => (process.env.BENCH_AUDIT_MODES ?? m).split(',').includes(m))
const TARGETS = (process.env.BENCH_AUDIT_TARGETS ?? 'pglite,postgres').split(',')
/** BENCH_AUDIT_IN_FLIGHT: group commits at once on PostgreSQL (default: the server's). */
const IN_FLIGHT = Number(process.env.BENCH_AUDIT_IN_FLIGHT ?? POSTGRES_WRITE_BATCHES)

type Mode = 'plain' | 'two-statement' | 'before' | 'after'
const LABELS: Record<Mode, string> = {
  plain: 'plain appends (reference)',
  'two-statement': 'two-statement transactions (reference)',
  before: 'beside a state change, one transaction a write (before)',
  after: 'beside a state change, group commit (after)',
}
const ctx = { actor: { type: 'system' as const, id: null, name: 'bench' }, requestId: null, clientIp: '127.0.0.1' }

/** One write: a real state change (a sign-in failure counter) and its audit record. */
async function write(audit: AuditService, tx: Tx, i: number, withStateChange: boolean) {
  if (withStateChange) {
    const username = `bench-${i % 500}`
    const key = { key: `account:${username}`, scope: 'account' as const, username, address: null, allowance: 1e6 }
    await reserveAttempt(tx, key, new Date(), `bench-${i}`)
  }
  await audit.record(tx, ctx, {
    action: 'bench.append',
    resourceType: 'bench',
    resourceId: String(i),
    outcome: 'success',
    details: { i },
  })
}

async function ratePerSecond(db: Parameters<typeof createAuditService>[0]['db'], audit: AuditService, mode: Mode) {
  let next = 0
  const start = performance.now()
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      for (let i = next++; i < APPENDS; i = next++) {
        if (mode === 'after') await audit.transaction((tx) => write(audit, tx, i, true))
        else {
          await db.transaction((tx) => write(audit, tx, i, mode !== 'plain'))
          // The API's middleware asks the sequencer to run after each state change.
          if (mode !== 'two-statement' && i % 50 === 0) audit.kick()
        }
      }
    }),
  )
  if (mode !== 'two-statement') await audit.drain()
  const seconds = (performance.now() - start) / 1000
  if (mode === 'two-statement') await audit.drain() // sequenced outside the clock
  return APPENDS / seconds
}

async function measure(target: DatabaseTarget) {
  const database = createDatabase(target, { timeoutMs: 30_000 })
  await database.migrate()
  const audit = createAuditService({
    db: database.db,
    sealer: createSealer('bench-key-master-0123456789abcdef-0123456789'),
    config: {
      origin: 'bench.example/audit',
      checkpointEvery: 1000,
      checkpointIntervalMs: 60_000,
      pinnedKeys: [],
      selfCheckIntervalMs: 3600_000,
      selfCheckFullIntervalMs: 3600_000,
    },
    log: createLogger('silent'),
    // As createApp sets it.
    writeWindowMs: target.kind === 'pglite' ? PGLITE_WRITE_WINDOW_MS : 0,
    writeBatchesInFlight: target.kind === 'pglite' ? 1 : IN_FLIGHT,
  })
  await audit.initialize()
  const rates: Partial<Record<Mode, number>> = {}
  for (const mode of MODES) rates[mode] = await ratePerSecond(database.db, audit, mode)
  const { checkpoint } = await audit.createCheckpoint()
  const keys = (await audit.keys(false)).keys
    .filter((k) => k.status === 'active')
    .map((k) => parseVerifierKey(k.verifierKey))
  await verifyCheckpoint(checkpoint.note, keys) // warm-up (backend detection)
  const runs = 50
  const t0 = performance.now()
  for (let i = 0; i < runs; i++) await verifyCheckpoint(checkpoint.note, keys)
  const verifyMs = (performance.now() - t0) / runs
  const integrity = await audit.checkIntegrity()
  await database.close()
  return {
    rates,
    treeSize: checkpoint.treeSize,
    verifyMs,
    integrity: integrity.state.finding ? `FAILED: ${integrity.state.finding.message}` : integrity.state.status,
  }
}

function print(name: string, result: Awaited<ReturnType<typeof measure>>, goal: number) {
  const { rates } = result
  console.log(`  ${name} (tree size ${result.treeSize}, self-check ${result.integrity}):`)
  for (const mode of MODES)
    console.log(`    ${LABELS[mode].padEnd(58)} ${(rates[mode] ?? 0).toFixed(0).padStart(6)} writes/s`)
  const ratio = (a = NaN, b = NaN) => `${(a / b).toFixed(2)}x`
  if (MODES.length === ALL_MODES.length)
    console.log(
      `    group commit = ${ratio(rates.after, rates.before)} one transaction a write, ` +
        `${ratio(rates.after, rates.plain)} plain appends, ${ratio(rates.after, rates['two-statement'])} two-statement transactions (goal >= ${goal}/s)`,
    )
}

export async function runAuditBench(): Promise<void> {
  console.log(
    `\naudit: ${APPENDS} writes each way, ${WRITERS} concurrent writers, until every record is in the Merkle log`,
  )
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-audit-'))
  const embedded = TARGETS.includes('pglite') ? await measure({ kind: 'pglite', dir: join(dir, 'pglite') }) : null
  if (embedded) print('embedded PGlite', embedded, 1500)
  rmSync(dir, { recursive: true, force: true })
  const postgres = TARGETS.includes('postgres') ? await createPostgresDatabase() : { skip: 'not asked for' }
  if ('target' in postgres) {
    print('PostgreSQL', await measure(postgres.target), 2000)
    await postgres.drop()
  } else console.log(`  PostgreSQL: skipped (${postgres.skip})`)
  if (embedded) console.log(`  verify one checkpoint (Ed25519 + ML-DSA-65, Node): ${embedded.verifyMs.toFixed(2)} ms`)
}

if (process.argv[1]?.endsWith('audit.ts')) await runAuditBench()
