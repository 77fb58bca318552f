/**
 * `pnpm bench` (audit part): how fast state changes with their audit records are appended to the
 * Merkle log, on the embedded PGlite and on PostgreSQL, and how long one checkpoint takes to
 * verify. Options: BENCH_AUDIT_APPENDS (default 4000), BENCH_AUDIT_WRITERS (default 16).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseVerifierKey, verifyCheckpoint } from '@tg/contracts/formats/audit'
import { createDatabase } from '../src/db/client'
import type { DatabaseTarget } from '../src/db/client'
import { createLogger } from '../src/lib/logger'
import { createSealer } from '../src/lib/seal'
import { createAuditService } from '../src/modules/audit/service'
import { reserveAttempt } from '../src/modules/auth/throttle'
import { createPostgresDatabase } from '../src/test/harness'

const APPENDS = Number(process.env.BENCH_AUDIT_APPENDS ?? 4000)
const WRITERS = Number(process.env.BENCH_AUDIT_WRITERS ?? 16)

async function appendsPerSecond(target: DatabaseTarget, withStateChange: boolean) {
  const database = createDatabase(target, { timeoutMs: 30_000 })
  await database.migrate()
  const audit = createAuditService({
    db: database.db,
    sealer: createSealer('bench-key-master-0123456789abcdef-0123456789'),
    config: { origin: 'bench.example/audit', checkpointEvery: 1000, checkpointIntervalMs: 60_000, pinnedKeys: [] },
    log: createLogger('silent'),
  })
  await audit.initialize()
  const ctx = { actor: { type: 'system' as const, id: null, name: 'bench' }, requestId: null, clientIp: '127.0.0.1' }
  let next = 0
  const start = performance.now()
  // Each writer commits transactions that append one audit record (optionally beside a real state
  // change: a sign-in failure counter), as the API does, and asks the sequencer to run, as the
  // API's middleware does. The clock stops when every record is in the Merkle log.
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      for (let i = next++; i < APPENDS; i = next++) {
        await database.db.transaction(async (tx) => {
          if (withStateChange) {
            const username = `bench-${i % 500}`
            const key = {
              key: `account:${username}`,
              scope: 'account' as const,
              username,
              address: null,
              allowance: 1e6,
            }
            await reserveAttempt(tx, key, new Date(), `bench-${i}`)
          }
          await audit.record(tx, ctx, {
            action: 'bench.append',
            resourceType: 'bench',
            resourceId: String(i),
            outcome: 'success',
            details: { i },
          })
        })
        if (i % 50 === 0) audit.kick()
      }
    }),
  )
  await audit.drain()
  const seconds = (performance.now() - start) / 1000
  const { checkpoint } = await audit.createCheckpoint()
  const keys = (await audit.keys(false)).keys
    .filter((k) => k.status === 'active')
    .map((k) => parseVerifierKey(k.verifierKey))
  await verifyCheckpoint(checkpoint.note, keys) // warm-up (backend detection)
  const runs = 50
  const t0 = performance.now()
  for (let i = 0; i < runs; i++) await verifyCheckpoint(checkpoint.note, keys)
  const verifyMs = (performance.now() - t0) / runs
  await database.close()
  return { appendsPerSecond: APPENDS / seconds, treeSize: checkpoint.treeSize, verifyMs }
}

export async function runAuditBench(): Promise<void> {
  console.log(
    `\naudit: ${APPENDS} transactions, ${WRITERS} concurrent writers, until every record is in the Merkle log`,
  )
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-audit-'))
  const embedded = await appendsPerSecond({ kind: 'pglite', dir: join(dir, 'pglite') }, false)
  console.log(`  embedded PGlite: ${embedded.appendsPerSecond.toFixed(0)} appends/s (tree size ${embedded.treeSize})`)
  rmSync(dir, { recursive: true, force: true })
  const postgres = await createPostgresDatabase()
  if ('target' in postgres) {
    const onPostgres = await appendsPerSecond(postgres.target, false)
    console.log(`  PostgreSQL:      ${onPostgres.appendsPerSecond.toFixed(0)} appends/s (goal >= 2000)`)
    await postgres.drop()
    const again = await createPostgresDatabase()
    if ('target' in again) {
      const withChange = await appendsPerSecond(again.target, true)
      console.log(
        `  PostgreSQL, each beside a state change (sign-in counter): ${withChange.appendsPerSecond.toFixed(0)} appends/s`,
      )
      await again.drop()
    }
  } else console.log(`  PostgreSQL: skipped (${postgres.skip})`)
  console.log(`  verify one checkpoint (Ed25519 + ML-DSA-65, Node): ${embedded.verifyMs.toFixed(2)} ms`)
}
