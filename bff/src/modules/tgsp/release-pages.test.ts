import { sql } from 'drizzle-orm'
import { buildTgspBytes, generateEncryptionKeyPair, generateSigningKeyPair } from '@tg/contracts/formats/tgsp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, json } from '../../test/harness'
import type { ErrorBody, Harness } from '../../test/harness'

type Session = { cookie: string; csrf: string }
type ReleasePage = { items: { id: string; channel: string }[]; hasMore: boolean; nextCursor: string | null }

const signing = generateSigningKeyPair()
const recipient = generateEncryptionKeyPair()

function makePackage(version: string): Uint8Array {
  return buildTgspBytes({
    files: [{ path: 'adapter/weights.bin', data: new TextEncoder().encode(`weights ${version}`) }],
    modelName: 'pager-lora',
    modelVersion: version,
    recipients: [recipient.publicKey],
    signingKey: signing.secretKey,
    signingPub: signing.publicKey,
    packageId: 'a0a0a0a0a0a0a0a0',
    baseModels: ['llama-3-8b'],
  })
}

describe('the releases list pages by cursor', () => {
  let h: Harness
  let operator: Session
  let fleetId: string
  let all: string[]

  beforeAll(async () => {
    h = await createHarness()
    const admin = await h.userSession('root', ['admin'])
    const publisher = await h.userSession('pat', ['publisher'])
    const releaser = await h.userSession('rita', ['release-manager'])
    operator = await h.userSession('otto', ['operator'])
    const pub = await h.request('POST', '/api/v1/tgsp/publishers', {
      ...admin,
      body: { name: 'Acme ML', classic: signing.publicKey.classic, pqc: signing.publicKey.pqc },
    })
    expect(pub.status).toBe(201)
    const fleet = await h.request('POST', '/api/v1/tgsp/fleets', { ...operator, body: { name: 'edge-pages' } })
    fleetId = (await json<{ id: string }>(fleet)).id
    const ids: string[] = []
    for (const version of ['1.0.0', '1.1.0', '1.2.0']) {
      const up = await h.request('POST', '/api/v1/tgsp/packages', {
        ...publisher,
        rawBody: makePackage(version),
        headers: { 'content-type': 'application/octet-stream' },
      })
      expect(up.status, await up.clone().text()).toBe(201)
      ids.push((await json<{ id: string }>(up)).id)
    }
    for (const id of ids)
      for (const channel of ['canary', 'stable']) {
        const res = await h.request('POST', '/api/v1/tgsp/releases', {
          ...releaser,
          body: { packageId: id, fleetId, channel },
        })
        expect(res.status, await res.clone().text()).toBe(201)
      }
    // Six releases inside one millisecond, a microsecond apart: a millisecond cursor would lose some.
    await h.database.db.execute(sql`
      update tgsp_releases r set created_at = '2026-05-01 08:00:00.500000+00'::timestamptz + (o.n * interval '1 microsecond')
      from (select id, row_number() over (order by created_at, id) as n from tgsp_releases) o where o.id = r.id`)
    const whole = await json<ReleasePage>(await h.request('GET', `/api/v1/tgsp/releases?fleetId=${fleetId}`, operator))
    expect(whole.nextCursor).toBeNull()
    expect(whole.hasMore).toBe(false)
    all = whole.items.map((r) => r.id)
    expect(all).toHaveLength(6)
  })
  afterAll(async () => {
    await h.close()
  })

  it.each([1, 2, 4])('follows nextCursor with limit %i and sees every release once, newest first', async (limit) => {
    const seen: string[] = []
    let cursor: string | null = null
    for (let guard = 0; guard < 10; guard++) {
      const res = await h.request(
        'GET',
        `/api/v1/tgsp/releases?fleetId=${fleetId}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        operator,
      )
      expect(res.status).toBe(200)
      const page = await json<ReleasePage>(res)
      expect(page.items.length).toBeLessThanOrEqual(limit)
      expect(page.hasMore).toBe(page.nextCursor !== null)
      seen.push(...page.items.map((r) => r.id))
      cursor = page.nextCursor
      if (!cursor) break
    }
    expect(seen).toEqual(all)
  })

  it('refuses a cursor it did not make (422)', async () => {
    const res = await h.request('GET', `/api/v1/tgsp/releases?cursor=not-a-cursor`, operator)
    expect(res.status).toBe(422)
    expect((await json<ErrorBody>(res)).error.code).toBe('VALIDATION_FAILED')
  })
})
