// The registry's lists (experts, deploy history) page by (time, id) at the microseconds the
// database keeps: rows created inside one millisecond are each seen once, in order, at limit 1.
import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { forEachDatabase, openForBlock, pageThrough, type Open } from '../../test/databases'
import type { Harness } from '../../test/harness'

type Session = { cookie: string; csrf: string }

// Five instants within one millisecond; ids are assigned in the opposite order, so comparing at the
// millisecond, or by id alone, would get the order wrong.
const MICROS = ['123001', '123002', '123003', '123004', '123999'].map((us) => `2026-03-01 10:00:00.${us}+00`)
const IDS = ['f', 'e', 'd', 'c', 'b'].map((c) => `${c.repeat(8)}-0000-4000-8000-000000000000`)

async function seed(h: Harness) {
  const db = h.database.db
  for (const [i, at] of MICROS.entries())
    await db.execute(
      sql`insert into expert_families (id, name, base_model, created_at) values (${IDS[i]}, ${`paged-${i}`}, 'paging-base', ${at}::timestamptz)`,
    )
  const family = IDS[0]!
  const version = '00000000-0000-4000-8000-0000000000aa'
  await db.execute(
    sql`insert into expert_versions (id, expert_id, version, status) values (${version}, ${family}, '1.0.0', 'validated')`,
  )
  for (const [i, at] of MICROS.entries())
    await db.execute(
      sql`insert into expert_deployments (id, expert_id, version_id, channel, action, reason, deployed_at, ended_at)
          values (${IDS[i]}, ${family}, ${version}, 'canary', 'deploy', ${`d${i}`}, ${at}::timestamptz, ${at}::timestamptz)`,
    )
  return family
}

function suite(name: string, open: Open) {
  describe(`FedMoE pages within one millisecond (${name})`, () => {
    let h: Harness
    let viewer: Session
    let family = ''
    const block = openForBlock(`FedMoE pages within one millisecond (${name})`, open, async (opened) => {
      ;({ h } = opened)
      viewer = await h.userSession('vera', ['viewer'])
      family = await seed(h)
    })

    it('the experts list sees every family once, newest first, at limit 1', async () => {
      if (block.skipped) return
      const names = await pageThrough<{ name: string }>(
        h,
        viewer,
        '/api/v1/fedmoe/experts?baseModel=paging-base',
        1,
        (f) => f.name,
      )
      expect(names).toEqual(['paged-4', 'paged-3', 'paged-2', 'paged-1', 'paged-0'])
    })

    it('the deploy history sees every deployment once, newest first, at limit 1', async () => {
      if (block.skipped) return
      const reasons = await pageThrough<{ reason: string }>(
        h,
        viewer,
        `/api/v1/fedmoe/experts/${family}/deployments`,
        1,
        (d) => d.reason,
      )
      expect(reasons).toEqual(['d4', 'd3', 'd2', 'd1', 'd0'])
    })

    it('refuses a cursor it did not make (422)', async () => {
      if (block.skipped) return
      const res = await h.request('GET', '/api/v1/fedmoe/experts?cursor=bm90LWEtY3Vyc29y', viewer)
      expect(res.status).toBe(422)
    })
  })
}

forEachDatabase(suite)
