import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { verifyBundle } from '@tg/contracts/formats/audit'
import type { AuditBundle } from '@tg/contracts/formats/audit'
import type { DatabaseTarget } from '../../db/client'
import { createHarness, createPostgresDatabase, json } from '../../test/harness'
import { printFigures } from '../../test/fault-support'
import { rewriteConsistently } from './forge-test-support'
import type { Query } from './forge-test-support'

// The third tamper kind (changed and removed rows are in integrity.test.ts): an entry rewritten
// with every hash recomputed, so that only the signed checkpoints betray it.

const postgres = await createPostgresDatabase()
if ('skip' in postgres) console.warn(`[integrity-forged.test] PostgreSQL case skipped: ${postgres.skip}`)
afterAll(async () => {
  if ('drop' in postgres) await postgres.drop()
})

const targets: Array<[string, DatabaseTarget | null]> = [
  ['embedded PGlite', { kind: 'pglite', dir: 'memory://' }],
  ['PostgreSQL', 'target' in postgres ? postgres.target : null],
]

describe.each(targets)('an entry rewritten with consistent hashes on %s', (name, target) => {
  it.skipIf(!target)('is named by the server by the first checkpoint that no longer holds', async () => {
    const h = await createHarness({ target: target! })
    try {
      const auditor = { bearer: await h.apiKey(['auditor'], 'auditor key') }
      await h.database.db.execute(
        sql.raw(`insert into audit_pending (actor_type, actor_name, action, resource_type, resource_id, outcome, details)
          select 'user', 'user' || g, 'admin.user_updated', 'user', 'u' || g, 'success', jsonb_build_object('n', g)
          from generate_series(1, 40) g`),
      )
      await h.services.audit.drain()
      const first = (await h.services.audit.createCheckpoint()).checkpoint
      await h.services.audit.drain()
      expect((await h.services.audit.checkIntegrity()).state.status).toBe('ok')

      const client = (h.database.db as unknown as { $client: { query: Query } }).$client
      await rewriteConsistently(client.query.bind(client), 20, (body) => {
        body.actor.name = 'mallory'
      })

      // The running server had verified the rows below the head: the head no longer matches them.
      const noticed = await h.services.audit.checkIntegrity()
      expect(noticed.newFinding).toMatchObject({ kind: 'root', seq: null })
      // Its next pass rehashes from entry 0: every row, the chain and the tree agree, and only
      // the signed checkpoint does not; the finding now names it.
      const run = await h.services.audit.checkIntegrity()
      expect(run.newFinding).toMatchObject({ kind: 'checkpoint', seq: first.treeSize - 1 })
      expect(run.newFinding?.message).toBe(
        `The checkpoint of tree size ${first.treeSize} does not sign the root of the stored entries 0..${first.treeSize - 1}.`,
      )
      const state = await json<{ status: string; finding: { kind: string } }>(
        await h.request('GET', '/api/v1/audit/integrity', auditor),
      )
      expect(state).toMatchObject({ status: 'failed', finding: { kind: 'checkpoint' } })

      // The export bundle verified offline (`tgctl audit verify`) refuses it too.
      const bundle = await json<AuditBundle>(await h.request('GET', '/api/v1/audit/export', auditor))
      const verified = await verifyBundle(bundle)
      expect(verified.ok).toBe(false)
      printFigures(`tampered database, rewritten with consistent hashes (${name})`, {
        'faults injected': 1,
        detected: 1,
        'named checkpoint size': first.treeSize,
      })
    } finally {
      await h.close()
    }
  })
})
