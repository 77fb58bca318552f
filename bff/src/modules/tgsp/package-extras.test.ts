import { buildTgspBytes, generateEncryptionKeyPair } from '@tg/contracts/formats/tgsp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, json } from '../../test/harness'
import type { ErrorBody, Harness } from '../../test/harness'
import { signing } from './test-support'

type Session = { cookie: string; csrf: string }
type Pkg = { id: string; labels: string[]; downloads: number; modelVersion: string }
type Page = { items: Pkg[]; nextCursor: string | null }
type Diff = {
  from: { id: string; modelVersion: string }
  to: { id: string; modelVersion: string }
  isIdentical: boolean
  fields: Array<{ path: string; kind: string; before?: unknown; after?: unknown }>
  files: Array<{ path: string; kind: string; beforeSha256: string | null; afterSha256: string | null }>
  unchangedFiles: number
  signer: { isSame: boolean; from: { name: string }; to: { name: string } }
}

const recipient = generateEncryptionKeyPair()
const text = (s: string) => new TextEncoder().encode(s)

function makeVersion(version: string, files: Array<{ path: string; data: string }>, baseModels = ['llama-3-8b']) {
  return buildTgspBytes({
    files: files.map((f) => ({ path: f.path, data: text(f.data) })),
    modelName: 'extras-lora',
    modelVersion: version,
    recipients: [recipient.publicKey],
    signingKey: signing.secretKey,
    signingPub: signing.publicKey,
    packageId: '00000000000e0001',
    baseModels,
  })
}

let h: Harness
let admin: Session
let publisher: Session
let viewer: Session
let operator: Session
let releaseManager: Session
let v1: Pkg
let v2: Pkg

const labelsPath = (id: string) => `/api/v1/tgsp/packages/${id}/labels`
const list = async (query: string, caller: Session) =>
  json<Page>(await h.request('GET', `/api/v1/tgsp/packages?${query}`, caller))

beforeAll(async () => {
  h = await createHarness()
  admin = await h.userSession('root', ['admin'])
  publisher = await h.userSession('pub', ['publisher'])
  viewer = await h.userSession('vera', ['viewer'])
  operator = await h.userSession('otto', ['operator'])
  releaseManager = await h.userSession('rita', ['release-manager'])
  const registered = await h.request('POST', '/api/v1/tgsp/publishers', {
    ...admin,
    body: { name: 'Extras ML', classic: signing.publicKey.classic, pqc: signing.publicKey.pqc },
  })
  expect(registered.status).toBe(201)
  const upload = async (bytes: Uint8Array) => {
    const res = await h.request('POST', '/api/v1/tgsp/packages', {
      ...publisher,
      rawBody: bytes,
      headers: { 'content-type': 'application/octet-stream' },
    })
    expect(res.status).toBe(201)
    return json<Pkg>(res)
  }
  v1 = await upload(
    makeVersion('1.0.0', [
      { path: 'adapter/weights.bin', data: 'weights one' },
      { path: 'adapter/config.json', data: '{"r":8}' },
      { path: 'README.md', data: 'read me' },
    ]),
  )
  v2 = await upload(
    makeVersion(
      '1.1.0',
      [
        { path: 'adapter/weights.bin', data: 'weights two' },
        { path: 'README.md', data: 'read me' },
        { path: 'tokenizer.json', data: '{}' },
      ],
      ['llama-3-8b', 'mistral-7b'],
    ),
  )
})
afterAll(async () => h?.close())

describe('package labels', () => {
  it('a publisher sets labels, deduplicated and sorted; the change is audited with what was added and removed', async () => {
    const res = await h.request('PUT', labelsPath(v1.id), {
      ...publisher,
      body: { labels: ['gpu', 'env=prod', 'gpu'] },
    })
    expect(res.status).toBe(200)
    expect((await json<Pkg>(res)).labels).toEqual(['env=prod', 'gpu'])
    const replaced = await h.request('PUT', labelsPath(v1.id), {
      ...admin,
      body: { labels: ['env=staging', 'gpu'] },
    })
    expect((await json<Pkg>(replaced)).labels).toEqual(['env=staging', 'gpu'])
    const entries = (await h.auditEntries()).filter((e) => e.body.action === 'tgsp.package_labels_changed')
    expect(entries).toHaveLength(2)
    expect(entries[0]?.body).toMatchObject({
      actor: { name: 'pub' },
      resource: { type: 'tgsp_package', id: v1.id },
      details: { added: ['env=prod', 'gpu'], removed: [] },
    })
    expect(entries[1]?.body.details).toMatchObject({ added: ['env=staging'], removed: ['env=prod'] })
  })

  it('the same labels again change nothing and write no audit entry', async () => {
    const before = (await h.auditEntries()).length
    const res = await h.request('PUT', labelsPath(v1.id), { ...publisher, body: { labels: ['gpu', 'env=staging'] } })
    expect(res.status).toBe(200)
    expect((await h.auditEntries()).length).toBe(before)
  })

  it('the list filters by one label, and everyone who reads packages sees them', async () => {
    const page = await list('label=env%3Dstaging', viewer)
    expect(page.items.map((p) => p.id)).toEqual([v1.id])
    expect(page.items[0]?.labels).toEqual(['env=staging', 'gpu'])
    const gpu = await list('label=gpu', viewer)
    expect(gpu.items.map((p) => p.id)).toEqual([v1.id])
    expect(gpu.nextCursor).toBeNull()
    const prod = await list('label=env%3Dprod', viewer)
    expect(prod.items).toEqual([])
    expect(prod.nextCursor).toBeNull()
    const bad = await h.request('GET', '/api/v1/tgsp/packages?label=Env', viewer)
    expect(bad.status).toBe(422)
  })

  it.each([
    ['uppercase', ['GPU'], 'lowercase'],
    ['two "="', ['a=b=c'], 'at most one'],
    ['a long name', ['x'.repeat(64)], '63'],
    ['an empty value', ['env='], 'value'],
    ['a space', ['has space'], 'a-z'],
  ])('refuses %s with 422 naming the label, and writes nothing', async (_what, labels, message) => {
    const res = await h.request('PUT', labelsPath(v2.id), { ...publisher, body: { labels } })
    expect(res.status).toBe(422)
    const body = await json<ErrorBody>(res)
    expect(body.error.code).toBe('VALIDATION_FAILED')
    expect(JSON.stringify(body.error.details)).toContain(message)
    expect((await json<Pkg>(await h.request('GET', `/api/v1/tgsp/packages/${v2.id}`, viewer))).labels).toEqual([])
  })

  it('refuses more than 20 labels with 422', async () => {
    const labels = Array.from({ length: 21 }, (_, i) => `tag-${i}`)
    const res = await h.request('PUT', labelsPath(v2.id), { ...publisher, body: { labels } })
    expect(res.status).toBe(422)
    expect(JSON.stringify((await json<ErrorBody>(res)).error.details)).toContain('At most 20')
  })

  it('viewers, operators and release managers may not set labels (403); a missing package is 404', async () => {
    for (const caller of [viewer, operator, releaseManager]) {
      const res = await h.request('PUT', labelsPath(v2.id), { ...caller, body: { labels: ['x'] } })
      expect(res.status).toBe(403)
    }
    const missing = await h.request('PUT', labelsPath('00000000-0000-4000-8000-000000000000'), {
      ...publisher,
      body: { labels: ['x'] },
    })
    expect(missing.status).toBe(404)
    expect(await h.request('PUT', labelsPath(v2.id), { body: { labels: ['x'] } })).toHaveProperty('status', 401)
  })
})

describe('download counts', () => {
  const downloadsOf = async (id: string) =>
    (await json<Pkg>(await h.request('GET', `/api/v1/tgsp/packages/${id}`, viewer))).downloads

  it('each completed download counts exactly once; a range request does not count', async () => {
    expect(await downloadsOf(v2.id)).toBe(0)
    for (let i = 0; i < 3; i++) {
      const res = await h.request('GET', `/api/v1/tgsp/packages/${v2.id}/download`, operator)
      expect(res.status).toBe(200)
      await res.arrayBuffer()
    }
    expect(await downloadsOf(v2.id)).toBe(3)
    const part = await h.request('GET', `/api/v1/tgsp/packages/${v2.id}/download`, {
      ...operator,
      headers: { range: 'bytes=0-9' },
    })
    expect(part.status).toBe(206)
    await part.arrayBuffer()
    expect(await downloadsOf(v2.id)).toBe(3)
    expect(await downloadsOf(v1.id)).toBe(0)
  })

  it('a download abandoned before its end does not count', async () => {
    const res = await h.request('GET', `/api/v1/tgsp/packages/${v1.id}/download`, operator)
    expect(res.status).toBe(200)
    await res.body?.cancel()
    expect(await downloadsOf(v1.id)).toBe(0)
  })

  it('the list shows the counts and sorts by them', async () => {
    const page = await list('sort=downloads&order=desc', viewer)
    expect(page.items.map((p) => [p.modelVersion, p.downloads])).toEqual([
      ['1.1.0', 3],
      ['1.0.0', 0],
    ])
  })
})

describe('manifest diff', () => {
  const diffPath = (id: string, against: string) => `/api/v1/tgsp/packages/${id}/diff?against=${against}`

  it('names the changed fields with both values and the files added, removed and changed by hash', async () => {
    const res = await h.request('GET', diffPath(v2.id, v1.id), viewer)
    expect(res.status).toBe(200)
    const diff = await json<Diff>(res)
    expect(diff.from).toMatchObject({ id: v1.id, modelVersion: '1.0.0' })
    expect(diff.to).toMatchObject({ id: v2.id, modelVersion: '1.1.0' })
    expect(diff.isIdentical).toBe(false)
    const paths = diff.fields.map((f) => f.path)
    expect(paths).toContain('model_version')
    expect(paths).not.toContain('content_index')
    expect(diff.fields.find((f) => f.path === 'model_version')).toEqual({
      path: 'model_version',
      kind: 'changed',
      before: '1.0.0',
      after: '1.1.0',
    })
    expect(diff.fields.find((f) => f.path === 'compat_base_model_id')).toMatchObject({
      before: ['llama-3-8b'],
      after: ['llama-3-8b', 'mistral-7b'],
    })
    expect(diff.files.map((f) => [f.path, f.kind])).toEqual([
      ['adapter/config.json', 'removed'],
      ['adapter/weights.bin', 'changed'],
      ['tokenizer.json', 'added'],
    ])
    expect(diff.files[1]?.beforeSha256).toMatch(/^[0-9a-f]{64}$/)
    expect(diff.files[1]?.beforeSha256).not.toBe(diff.files[1]?.afterSha256)
    expect(diff.unchangedFiles).toBe(1)
    expect(diff.signer).toMatchObject({ isSame: true, from: { name: 'Extras ML' }, to: { name: 'Extras ML' } })
  })

  it('a package against itself is identical', async () => {
    const diff = await json<Diff>(await h.request('GET', diffPath(v1.id, v1.id), viewer))
    expect(diff).toMatchObject({ isIdentical: true, fields: [], files: [], unchangedFiles: 3 })
  })

  it('404 when either package is missing, 422 for a malformed id, 401 signed out', async () => {
    const missing = '00000000-0000-4000-8000-000000000000'
    const a = await h.request('GET', diffPath(v1.id, missing), viewer)
    expect(a.status).toBe(404)
    expect((await json<ErrorBody>(a)).error.message).toContain('compare with')
    expect((await h.request('GET', diffPath(missing, v1.id), viewer)).status).toBe(404)
    expect((await h.request('GET', diffPath(v1.id, 'nope'), viewer)).status).toBe(422)
    expect((await h.request('GET', `/api/v1/tgsp/packages/${v1.id}/diff`, viewer)).status).toBe(422)
    expect((await h.request('GET', diffPath(v1.id, v2.id))).status).toBe(401)
  })
})
