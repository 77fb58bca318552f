import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEntryPage } from '@tg/contracts'
import { createHarness, json } from '../../test/harness'
import type { Harness } from '../../test/harness'

let h: Harness
let auditor: { cookie: string; csrf: string }
let searchedId: string

async function search(query: string): Promise<AuditEntryPage> {
  const res = await h.request('GET', `/api/v1/audit/entries?${query}`, auditor)
  if (res.status !== 200) throw new Error(`${query}: ${res.status} ${await res.text()}`)
  return json<AuditEntryPage>(res)
}

beforeAll(async () => {
  h = await createHarness()
  auditor = await h.userSession('aud', ['auditor'])
  searchedId = (await h.createUser('searched', ['viewer'])).id
  await h.createUser('other', ['viewer'])
  await h.services.audit.drain()
  await h.services.audit.createCheckpoint()
})
afterAll(() => h.close())

describe('audit search', () => {
  it('finds one entry by its sequence number, with its proof', async () => {
    const page = await search('seq=2')
    expect(page.items.map((i) => i.seq)).toEqual([2])
    expect(page.items[0]?.proof).not.toBeNull()
    expect((await search('seq=999999')).items).toEqual([])
  })

  it('finds one entry by its leaf hash, in either case', async () => {
    const all = await search('limit=50&withProofs=false')
    const target = all.items[1]!
    expect(all.items.length).toBeGreaterThan(2)
    for (const hash of [target.leafHash, target.leafHash.toUpperCase(), ` ${target.leafHash} `]) {
      const page = await search(`hash=${encodeURIComponent(hash)}`)
      expect(page.items.map((i) => i.seq)).toEqual([target.seq])
    }
    expect((await search(`hash=${'0'.repeat(64)}`)).items).toEqual([])
  })

  it('finds the entries of one resource', async () => {
    const page = await search(`resourceType=user&resourceId=${searchedId}`)
    expect(page.items.length).toBeGreaterThan(0)
    for (const item of page.items) {
      const body = JSON.parse(item.canonical) as { resource: { type: string; id: string } }
      expect(body.resource).toEqual({ type: 'user', id: searchedId })
    }
  })

  it('refuses a malformed hash or sequence number with 422', async () => {
    for (const query of ['hash=abc', `hash=${'g'.repeat(64)}`, 'seq=-1', 'seq=two']) {
      const res = await h.request('GET', `/api/v1/audit/entries?${query}`, auditor)
      expect(res.status, query).toBe(422)
      expect((await json<{ error: { code: string } }>(res)).error.code).toBe('VALIDATION_FAILED')
    }
  })
})
