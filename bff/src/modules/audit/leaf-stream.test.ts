import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AUDIT_LEAF_STREAM_MAX } from '@tg/contracts'
import type { AuditLeaves } from '@tg/contracts'
import { auditLog } from '../../db/schema'
import { createHarness, json } from '../../test/harness'
import type { Harness } from '../../test/harness'
import { streamLeaves } from './leaf-stream'

let h: Harness
let auditor: { cookie: string; csrf: string }

beforeAll(async () => {
  h = await createHarness()
  await h.userSession('root', ['admin'])
  auditor = await h.userSession('aud', ['auditor'])
  for (let i = 0; i < 6; i++) await h.createUser(`streamed${i}`, ['viewer'])
  await h.services.audit.drain()
})
afterAll(() => h.close())

const linesOf = (text: string) =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { seq: number; canonical: string })

describe('GET /api/v1/audit/leaves/stream', () => {
  it('streams the stored leaves of the range as NDJSON, the same bytes as the paged route', async () => {
    const paged = await json<AuditLeaves>(await h.request('GET', '/api/v1/audit/leaves?start=0&count=5000', auditor))
    expect(paged.entries.length).toBeGreaterThan(8)
    const res = await h.request('GET', `/api/v1/audit/leaves/stream?start=2&end=${paged.treeSize + 100}`, auditor)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/x-ndjson')
    const text = await res.text()
    expect(text.endsWith('\n')).toBe(true)
    expect(linesOf(text)).toEqual(paged.entries.slice(2))
  })

  it('reads in batches and leaves a missing row out, so that the reader names it', async () => {
    const all = linesOf(await (await h.request('GET', '/api/v1/audit/leaves/stream?start=0&end=9', auditor)).text())
    expect(all.map((l) => l.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8])
    const read = async (start: number, end: number, batch: number) =>
      linesOf(await new Response(streamLeaves(h.database.db, start, end, batch)).text())
    expect(await read(0, 9, 2)).toEqual(all)
    expect(await read(1, 8, 3)).toEqual(all.slice(1, 8))
    // What an intruder with database access does (the log's trigger refuses it otherwise).
    await h.database.db.execute(sql`alter table audit_log disable trigger user`)
    await h.database.db.delete(auditLog).where(eq(auditLog.seq, 4))
    await h.database.db.execute(sql`alter table audit_log enable trigger user`)
    expect((await read(0, 9, 2)).map((l) => l.seq)).toEqual([0, 1, 2, 3, 5, 6, 7, 8])
  })

  it('refuses an empty or too large range (422), anonymous callers (401) and other roles (403)', async () => {
    const status = async (query: string, caller: Parameters<Harness['request']>[2] = auditor) =>
      (await h.request('GET', `/api/v1/audit/leaves/stream?${query}`, caller)).status
    expect(await status('start=5&end=5')).toBe(422)
    expect(await status(`start=0&end=${AUDIT_LEAF_STREAM_MAX + 1}`)).toBe(422)
    expect(await status('start=-1&end=5')).toBe(422)
    expect(await status('start=0&end=5', {})).toBe(401)
    expect(await status('start=0&end=5', await h.userSession('op', ['operator']))).toBe(403)
    expect(await status(`start=0&end=${AUDIT_LEAF_STREAM_MAX}`)).toBe(200)
  })
})
