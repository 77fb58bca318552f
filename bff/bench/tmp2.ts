import { createDatabase } from '../src/db/client'
import { createLogger } from '../src/lib/logger'
import { createSealer } from '../src/lib/seal'
import { createAuditService } from '../src/modules/audit/service'
import { createPostgresDatabase } from '../src/test/harness'
const pg = (await createPostgresDatabase()) as any
const database = createDatabase(pg.target, { timeoutMs: 30000 })
await database.migrate()
const audit = createAuditService({
  db: database.db,
  sealer: createSealer('x'.repeat(40)),
  config: { origin: 'b.example/a', checkpointEvery: 1e9, checkpointIntervalMs: 1e9, pinnedKeys: [] },
  log: createLogger('silent'),
})
await audit.initialize()
const ctx = { actor: { type: 'system' as const, id: null, name: 'bench' }, requestId: null, clientIp: '127.0.0.1' }
const W = 32
let next = 0
const N = 6000
const s = performance.now()
await Promise.all(
  Array.from({ length: W }, async () => {
    for (let i = next++; i < N; i = next++) {
      await database.db.transaction((tx) =>
        audit.record(tx, ctx, { action: 'b', resourceType: 'b', outcome: 'success', details: { i } }),
      )
      if (i % 50 === 0) audit.kick()
    }
  }),
)
await audit.drain()
console.log('appends/s', (N / ((performance.now() - s) / 1000)).toFixed(0))
await database.close()
await pg.drop()
