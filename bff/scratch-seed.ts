import { sql } from 'drizzle-orm'
import { createDatabase } from './src/db/client'
import { createSequencer } from './src/modules/audit/tree'

const [dir, countText] = process.argv.slice(2)
const count = Number(countText)
const database = createDatabase({ kind: 'pglite', dir: dir! }, { timeoutMs: 600_000 })
await database.migrate()
const t0 = performance.now()
for (let done = 0; done < count; done += 50_000) {
  const n = Math.min(50_000, count - done)
  await database.db.execute(sql`
    INSERT INTO audit_pending (actor_type, actor_id, actor_name, action, resource_type, resource_id, outcome, request_id, client_ip, details)
    SELECT 'user', 'u-' || (g % 37), 'user' || (g % 37), (ARRAY['auth.sign_in','admin.user_updated','tgsp.package_published','training.run_started'])[1 + g % 4],
           'resource', 'r-' || g, (ARRAY['success','failure','denied'])[1 + g % 3], 'req-' || g, '10.0.' || (g % 250) || '.1', jsonb_build_object('n', g)
    FROM generate_series(${done}::int, ${done + n - 1}::int) AS g`)
  const drain = createSequencer(database.db, () => undefined)
  await drain()
  console.log(`${done + n} sequenced after ${((performance.now() - t0) / 1000).toFixed(1)} s`)
}
await database.close()
