import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateSigningKeyPair } from '@tg/contracts/formats/tgsp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, json } from '../../test/harness'
import type { ErrorBody, Harness } from '../../test/harness'
import { makePackage } from './test-support'

type Session = { cookie: string; csrf: string }
type Check = { ok: boolean; reason: string | null }
type Pkg = {
  id: string
  status: string
  contentId: string
  checks: Record<string, Check>
  uploadedAt: string
  verifiedAt: string
}

const keys = { good: generateSigningKeyPair(), doomed: generateSigningKeyPair() }

const makeSigned = (by: keyof typeof keys) => makePackage(128, keys[by])

let h: Harness
let admin: Session
let publisher: Session
let viewer: Session
let releaser: Session
const publishers: Record<string, string> = {}
let fleetId = ''

const verify = (id: string, caller: Session) => h.request('POST', `/api/v1/tgsp/packages/${id}/verify`, caller)
const promote = (packageId: string) =>
  h.request('POST', '/api/v1/tgsp/releases', { ...releaser, body: { packageId, fleetId, channel: 'canary' } })

async function upload(by: keyof typeof keys): Promise<Pkg> {
  const res = await h.request('POST', '/api/v1/tgsp/packages', {
    ...publisher,
    rawBody: makeSigned(by),
    headers: { 'content-type': 'application/octet-stream' },
  })
  expect(res.status, await res.clone().text()).toBe(201)
  return json<Pkg>(res)
}

const reverified = async (id: string) =>
  (await h.auditEntries()).filter((e) => e.body.action === 'tgsp.package_reverified' && e.body.resource.id === id)

beforeAll(async () => {
  h = await createHarness()
  admin = await h.userSession('root', ['admin'])
  publisher = await h.userSession('pub', ['publisher'])
  viewer = await h.userSession('vera', ['viewer'])
  releaser = await h.userSession('rita', ['release-manager'])
  for (const [name, pair] of Object.entries(keys)) {
    const res = await h.request('POST', '/api/v1/tgsp/publishers', {
      ...admin,
      body: { name: `Reverify ${name}`, classic: pair.publicKey.classic, pqc: pair.publicKey.pqc },
    })
    expect(res.status).toBe(201)
    publishers[name] = (await json<{ id: string }>(res)).id
  }
  const operator = await h.userSession('otto', ['operator'])
  const fleet = await h.request('POST', '/api/v1/tgsp/fleets', { ...operator, body: { name: 'reverify-fleet' } })
  fleetId = (await json<{ id: string }>(fleet)).id
})

afterAll(async () => {
  await h.close()
})

describe('re-verification on demand', () => {
  it('a sound package of an active publisher stays verified; the re-verification is audited', async () => {
    const pkg = await upload('good')
    // Verified by the upload itself, in its transaction.
    expect(pkg.verifiedAt).toBe(pkg.uploadedAt)
    const res = await verify(pkg.id, publisher)
    expect(res.status).toBe(200)
    const after = await json<Pkg>(res)
    expect(after.status).toBe('verified')
    expect(Date.parse(after.verifiedAt)).toBeGreaterThan(Date.parse(pkg.uploadedAt))
    expect(after.uploadedAt).toBe(pkg.uploadedAt)
    const stored = await json<Pkg>(await h.request('GET', `/api/v1/tgsp/packages/${pkg.id}`, viewer))
    expect(stored.verifiedAt).toBe(after.verifiedAt)
    const listed = await json<{ items: Pkg[] }>(await h.request('GET', '/api/v1/tgsp/packages?limit=200', viewer))
    expect(listed.items.find((p) => p.id === pkg.id)?.verifiedAt).toBe(after.verifiedAt)
    expect(Object.values(after.checks).every((c) => c.ok)).toBe(true)
    const entries = await reverified(pkg.id)
    expect(entries).toHaveLength(1)
    expect(entries[0]?.body).toMatchObject({
      outcome: 'success',
      actor: { name: 'pub' },
      details: { status: ['verified', 'verified'], failed: [] },
    })
    expect((await promote(pkg.id)).status).toBe(201)
  })

  it('revoking a key marks its packages untrusted (one audit entry with the count); promotion is refused with the reason', async () => {
    const first = await upload('doomed')
    const second = await upload('doomed')
    const revoked = await h.request('POST', `/api/v1/tgsp/publishers/${publishers.doomed}/revoke`, admin)
    expect(revoked.status).toBe(200)
    const revocations = (await h.auditEntries()).filter(
      (e) => e.body.action === 'tgsp.publisher_revoked' && e.body.resource.id === publishers.doomed,
    )
    expect(revocations).toHaveLength(1)
    expect(revocations[0]?.body.details).toMatchObject({ packagesMarked: 2 })
    for (const pkg of [first, second]) {
      const detail = await json<Pkg>(await h.request('GET', `/api/v1/tgsp/packages/${pkg.id}`, viewer))
      expect(detail.status).toBe('signer_revoked')
    }

    const refused = await promote(first.id)
    expect(refused.status).toBe(409)
    const { error } = await json<ErrorBody>(refused)
    expect(error.code).toBe('CONFLICT')
    expect(error.details).toMatchObject({ reason: 'publisher_key_revoked', field: 'packageId' })
    expect(error.message).toContain('Reverify doomed')
  })

  it('re-verifying after the revocation records the failed signer check and keeps the package untrusted', async () => {
    const pkg = await upload('good')
    // A package of a publisher revoked after this upload: register, upload, revoke.
    const late = generateSigningKeyPair()
    const reg = await h.request('POST', '/api/v1/tgsp/publishers', {
      ...admin,
      body: { name: 'Reverify late', classic: late.publicKey.classic, pqc: late.publicKey.pqc },
    })
    const lateId = (await json<{ id: string }>(reg)).id
    const bytes = makePackage(64, late)
    const up = await h.request('POST', '/api/v1/tgsp/packages', {
      ...publisher,
      rawBody: bytes,
      headers: { 'content-type': 'application/octet-stream' },
    })
    const latePkg = await json<Pkg>(up)
    expect(latePkg.checks.signer?.ok).toBe(true)
    expect((await h.request('POST', `/api/v1/tgsp/publishers/${lateId}/revoke`, admin)).status).toBe(200)

    const res = await verify(latePkg.id, admin)
    expect(res.status).toBe(200)
    const after = await json<Pkg>(res)
    expect(after.status).toBe('signer_revoked')
    expect(after.checks.signer).toMatchObject({ ok: false })
    expect(after.checks.signer?.reason).toContain('"Reverify late" is revoked')
    expect(after.checks.hashes?.ok && after.checks.signatures?.ok && after.checks.identity?.ok).toBe(true)
    const stored = await json<Pkg>(await h.request('GET', `/api/v1/tgsp/packages/${latePkg.id}`, viewer))
    expect(stored.checks.signer?.ok).toBe(false)
    const entries = await reverified(latePkg.id)
    expect(entries[0]?.body).toMatchObject({
      outcome: 'failure',
      details: { status: ['signer_revoked', 'signer_revoked'], failed: ['signer'] },
    })
    // The other publisher's package is untouched by that revocation.
    expect((await json<Pkg>(await verify(pkg.id, admin))).status).toBe('verified')
  })

  it('stored bytes altered since the upload fail re-verification: untrusted, and promotion names that reason', async () => {
    const pkg = await upload('good')
    const file = join(h.blobDir, 'sha256', pkg.contentId.slice(0, 2), pkg.contentId)
    const bytes = readFileSync(file)
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff
    chmodSync(file, 0o644)
    writeFileSync(file, bytes)
    const after = await json<Pkg>(await verify(pkg.id, publisher))
    expect(after.status).toBe('verification_failed')
    expect(Object.entries(after.checks).filter(([, c]) => !c.ok).length).toBeGreaterThan(0)
    const list = await json<{ items: Pkg[] }>(
      await h.request('GET', '/api/v1/tgsp/packages?status=verification_failed', viewer),
    )
    expect(list.items.map((p) => p.id)).toEqual([pkg.id])
    const refused = await promote(pkg.id)
    expect(refused.status).toBe(409)
    expect((await json<ErrorBody>(refused)).error.details).toMatchObject({ reason: 'verification_failed' })
  })

  it('refuses a viewer (403) and an unknown package (404), writing nothing', async () => {
    const pkg = await upload('good')
    const before = (await h.auditEntries()).length
    const forbidden = await verify(pkg.id, viewer)
    expect(forbidden.status).toBe(403)
    expect((await json<ErrorBody>(forbidden)).error.code).toBe('FORBIDDEN')
    const missing = await verify('00000000-0000-4000-8000-000000000000', admin)
    expect(missing.status).toBe(404)
    expect((await json<ErrorBody>(missing)).error.code).toBe('NOT_FOUND')
    expect((await h.auditEntries()).length).toBe(before)
  })
})
