import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import { buildTgspBytes, generateEncryptionKeyPair, generateSigningKeyPair } from '@tg/contracts/formats/tgsp'
import { describe, expect, it } from 'vitest'
import { tgspPackages, tgspReleases } from '../../db/schema'
import { createHarness, json } from '../../test/harness'
import { objectKeys, startS3Server } from '../../test/s3-server'
import { createS3BlobStore } from './blobs-s3'
import type { ErrorBody, Harness } from '../../test/harness'
import { forEachDatabase, openForBlock, type Open } from '../../test/databases'

type Session = { cookie: string; csrf: string }
type Checks = Record<
  'structure' | 'hashes' | 'signatures' | 'signer' | 'identity',
  { ok: boolean; reason: string | null }
>
type PackageBody = {
  id: string
  packageId: string
  modelName: string
  modelVersion: string
  status: string
  sizeBytes: number
  baseModels: string[]
  contentId: string
  checks: Checks
  manifest: Record<string, unknown>
  hashes: Record<string, string>
  signer: { id: string; name: string; status: string }
  liveOn: Array<{ fleetName: string; channel: string }>
  releases: ReleaseBody[]
}
type ReleaseBody = {
  id: string
  channel: string
  kind: string
  isActive: boolean
  rollbackOf: string | null
  package: { id: string; status: string }
  fleet: { id: string; name: string }
}
type PublisherBody = {
  id: string
  name: string
  fingerprint: string
  status: string
  packages: number
  liveReleases: Array<{ packageId: string; fleetName: string; channel: string; modelVersion: string }>
}

const signing = generateSigningKeyPair()
const stranger = generateSigningKeyPair()
const recipient = generateEncryptionKeyPair()

let serial = 0
function makePackage(
  options: { version?: string; packageId?: string; key?: typeof signing; baseModels?: string[]; name?: string } = {},
): Uint8Array {
  const key = options.key ?? signing
  serial++
  return buildTgspBytes({
    files: [{ path: 'adapter/weights.bin', data: new TextEncoder().encode(`weights ${serial}`) }],
    modelName: options.name ?? 'support-bot-lora',
    modelVersion: options.version ?? `1.0.${serial}`,
    recipients: [recipient.publicKey],
    signingKey: key.secretKey,
    signingPub: key.publicKey,
    packageId: options.packageId ?? serial.toString(16).padStart(16, '0'),
    baseModels: options.baseModels ?? ['llama-3-8b'],
  })
}

function blobFiles(h: Harness): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    if (!existsSync(dir)) return
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else out.push(path.slice(h.blobDir.length + 1))
    }
  }
  walk(h.blobDir)
  return out.sort()
}

function suite(name: string, open: Open<{ files?: () => Promise<string[]> }>) {
  describe(name, () => {
    let h: Harness
    /** The store's blobs and temporary uploads, as paths under its root (a folder or a key prefix). */
    let files: () => Promise<string[]>
    let admin: Session
    let publisher: Session
    let releaser: Session
    let operator: Session
    let publisherId: string

    const upload = (bytes: Uint8Array, who: Session = publisher, headers: Record<string, string> = {}) =>
      h.request('POST', '/api/v1/tgsp/packages', {
        ...who,
        rawBody: bytes,
        headers: { 'content-type': 'application/octet-stream', ...headers },
      })
    const uploaded = async (bytes: Uint8Array) => {
      const res = await upload(bytes)
      expect(res.status, await res.clone().text()).toBe(201)
      return json<PackageBody>(res)
    }

    const block = openForBlock(`tgsp on ${name}`, open, async (opened) => {
      ;({ h } = opened)
      files = opened.files ?? (async () => blobFiles(h))
      admin = await h.userSession('root', ['admin'])
      publisher = await h.userSession('pat', ['publisher'])
      releaser = await h.userSession('rita', ['release-manager'])
      operator = await h.userSession('otto', ['operator'])
      const res = await h.request('POST', '/api/v1/tgsp/publishers', {
        ...admin,
        body: { name: 'Acme ML', classic: signing.publicKey.classic, pqc: signing.publicKey.pqc },
      })
      expect(res.status).toBe(201)
      publisherId = (await json<PublisherBody>(res)).id
    })

    it('registers a publisher once per key and per name, audited', async (t) => {
      if (block.skipped) return t.skip()
      const again = await h.request('POST', '/api/v1/tgsp/publishers', {
        ...admin,
        body: { name: 'Acme again', classic: signing.publicKey.classic, pqc: signing.publicKey.pqc },
      })
      expect(again.status).toBe(409)
      expect((await json<ErrorBody>(again)).error.message).toContain('already registered as "Acme ML"')
      const sameName = await h.request('POST', '/api/v1/tgsp/publishers', {
        ...admin,
        body: { name: 'Acme ML', classic: stranger.publicKey.classic, pqc: stranger.publicKey.pqc },
      })
      expect(sameName.status).toBe(409)
      const badKey = await h.request('POST', '/api/v1/tgsp/publishers', {
        ...admin,
        body: { name: 'Short key', classic: 'abcd', pqc: stranger.publicKey.pqc },
      })
      expect(badKey.status).toBe(422)
      const list = await json<{ items: PublisherBody[] }>(await h.request('GET', '/api/v1/tgsp/publishers', operator))
      expect(list.items).toEqual([
        expect.objectContaining({
          name: 'Acme ML',
          status: 'active',
          fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
        }),
      ])
      const entry = (await h.auditEntries()).find((e) => e.body.action === 'tgsp.publisher_registered')
      expect(entry?.body).toMatchObject({ actor: { name: 'root' }, resource: { id: publisherId } })
    })

    it('stores a verified package with every check passed, content-addressed, and audits the upload', async (t) => {
      if (block.skipped) return t.skip()
      const bytes = makePackage({ baseModels: ['llama-3-8b', 'mistral-7b'] })
      const pkg = await uploaded(bytes)
      expect(pkg).toMatchObject({ status: 'verified', sizeBytes: bytes.byteLength, signer: { name: 'Acme ML' } })
      expect(Object.values(pkg.checks).every((c) => c.ok)).toBe(true)
      expect(pkg.manifest).toMatchObject({
        model_name: 'support-bot-lora',
        compat_base_model_id: ['llama-3-8b', 'mistral-7b'],
      })
      expect(await files()).toContain(join('sha256', pkg.contentId.slice(0, 2), pkg.contentId))
      const entry = (await h.auditEntries()).find((e) => e.body.action === 'tgsp.package_uploaded')
      expect(entry?.body).toMatchObject({ actor: { name: 'pat' }, outcome: 'success', resource: { id: pkg.id } })

      const download = await h.request('GET', `/api/v1/tgsp/packages/${pkg.id}/download`, operator)
      expect(download.status).toBe(200)
      expect(download.headers.get('accept-ranges')).toBe('bytes')
      expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes)
      const part = await h.request('GET', `/api/v1/tgsp/packages/${pkg.id}/download`, {
        ...operator,
        headers: { range: 'bytes=0-5' },
      })
      expect(part.status).toBe(206)
      expect(part.headers.get('content-range')).toBe(`bytes 0-5/${bytes.byteLength}`)
      expect(new TextDecoder().decode(new Uint8Array(await part.arrayBuffer()).subarray(0, 4))).toBe('TGSP')
      const outside = await h.request('GET', `/api/v1/tgsp/packages/${pkg.id}/download`, {
        ...operator,
        headers: { range: `bytes=${bytes.byteLength}-` },
      })
      expect(outside.status).toBe(416)
      expect((await json<ErrorBody>(outside)).error.code).toBe('RANGE_NOT_SATISFIABLE')
      const downloads = (await h.auditEntries()).filter((e) => e.body.action === 'tgsp.package_downloaded')
      expect(downloads).toHaveLength(2)
    })

    it('answers the same bytes again with 409 and a link to the existing package', async (t) => {
      if (block.skipped) return t.skip()
      const bytes = makePackage()
      const first = await uploaded(bytes)
      const before = await files()
      const res = await upload(bytes)
      expect(res.status).toBe(409)
      const body = await json<ErrorBody>(res)
      expect(body.error.details).toEqual({
        field: 'content',
        existingId: first.id,
        link: `/api/v1/tgsp/packages/${first.id}`,
      })
      expect(await files()).toEqual(before)
    })

    it('rejects an untrusted signer and a tampered payload with the failing check, keeping nothing', async (t) => {
      if (block.skipped) return t.skip()
      const count = async () => (await h.database.db.select().from(tgspPackages)).length
      const rows = await count()
      const blobs = await files()

      const untrusted = await upload(makePackage({ key: stranger }))
      expect(untrusted.status).toBe(422)
      const refused = await json<ErrorBody>(untrusted)
      expect(refused.error.code).toBe('PACKAGE_REJECTED')
      const checks = refused.error.details?.checks as Checks
      expect(checks.signer).toMatchObject({ ok: false, reason: expect.stringMatching(/^Untrusted signer/) })
      expect(checks.signatures.ok).toBe(true)
      expect(checks.hashes.ok).toBe(true)

      const tampered = makePackage()
      tampered[tampered.length - 4000] = (tampered[tampered.length - 4000] ?? 0) ^ 0xff
      const res = await upload(tampered)
      expect(res.status).toBe(422)
      const failed = (await json<ErrorBody>(res)).error.details?.checks as Checks
      expect(
        Object.entries(failed)
          .filter(([, c]) => !c.ok)
          .map(([n]) => n),
      ).toContain('hashes')

      const garbage = await upload(new TextEncoder().encode('not a package at all'))
      expect(garbage.status).toBe(422)
      const structure = (await json<ErrorBody>(garbage)).error.details?.checks as Checks
      expect(structure.structure.ok).toBe(false)
      expect(structure.signer.reason).toContain('Not run')

      expect(await count()).toBe(rows)
      expect(await files()).toEqual(blobs)
      const rejections = (await h.auditEntries()).filter((e) => e.body.action === 'tgsp.package_rejected')
      expect(rejections).toHaveLength(3)
      expect(rejections[0]?.body).toMatchObject({ outcome: 'failure', actor: { name: 'pat' } })
    })

    it('rejects a second package with the same id and version but other bytes (identity)', async (t) => {
      if (block.skipped) return t.skip()
      await uploaded(makePackage({ packageId: 'aaaaaaaaaaaaaaaa', version: '2.0.0' }))
      const res = await upload(makePackage({ packageId: 'aaaaaaaaaaaaaaaa', version: '2.0.0' }))
      expect(res.status).toBe(422)
      const checks = (await json<ErrorBody>(res)).error.details?.checks as Checks
      expect(checks.identity).toMatchObject({ ok: false, reason: expect.stringContaining('already published') })
      expect(checks.signer.ok).toBe(true)
    })

    it('reports a damaged copy of a published package by its hash check alone, not as an identity clash', async (t) => {
      if (block.skipped) return t.skip()
      const original = makePackage({ packageId: 'cccccccccccccccc', version: '3.0.0' })
      await uploaded(original)
      // One flipped bit inside the encrypted payload (after magic, header, manifest, recipients, u64 length).
      const view = new DataView(original.buffer, original.byteOffset, original.byteLength)
      let at = 6
      for (let section = 0; section < 3; section++) at += 4 + view.getUint32(at)
      at += 8 + 20
      const damaged = original.slice()
      damaged[at] = (damaged[at] ?? 0) ^ 0x01
      const res = await upload(damaged)
      expect(res.status).toBe(422)
      const error = (await json<ErrorBody>(res)).error
      const checks = error.details?.checks as Checks
      const failed = Object.entries(checks).filter(([, c]) => !c.ok && !c.reason?.startsWith('Not run'))
      expect(failed.map(([n]) => n)).toEqual(['hashes'])
      expect(checks.identity.reason).toMatch(/^Not run: the hash check failed/)
      expect(JSON.stringify(error)).not.toContain('new model_version')
    })

    it('refuses bodies over the upload limit (declared or streamed) with 413, the wrong type with 415', async (t) => {
      if (block.skipped) return t.skip()
      const big = new Uint8Array(64 * 1024 * 1024 + 1)
      const declared = await upload(big)
      expect(declared.status).toBe(413)
      expect((await json<ErrorBody>(declared)).error.code).toBe('PAYLOAD_TOO_LARGE')
      const wrongType = await h.request('POST', '/api/v1/tgsp/packages', {
        ...publisher,
        body: { not: 'a package' },
      })
      expect(wrongType.status).toBe(415)
      expect((await files()).filter((f) => f.startsWith('.incoming/'))).toEqual([])
    })

    it('lists with search, filters, sort and pages', async (t) => {
      if (block.skipped) return t.skip()
      await uploaded(makePackage({ name: 'vision-adapter', baseModels: ['clip-vit'] }))
      const page = (query: string) =>
        h.request('GET', `/api/v1/tgsp/packages?${query}`, operator).then((r) =>
          json<{
            items: PackageBody[]
            nextCursor: string | null
            facets: { baseModels: string[] }
          }>(r),
        )
      const all = await page('limit=2&sort=uploadedAt&order=desc')
      expect(all.items).toHaveLength(2)
      expect(all.items[0]?.modelName).toBe('vision-adapter')
      expect(all).not.toHaveProperty('total')
      expect(all.facets.baseModels).toEqual(expect.arrayContaining(['clip-vit', 'llama-3-8b', 'mistral-7b']))
      const second = await page(`limit=2&sort=uploadedAt&order=desc&cursor=${all.nextCursor}`)
      expect(second.items.map((i) => i.id)).not.toContain(all.items[0]?.id)
      expect((await page('q=VISION')).items.map((i) => i.modelName)).toEqual(['vision-adapter'])
      expect((await page('baseModel=clip-vit')).items).toHaveLength(1)
      expect((await page(`publisherId=${publisherId}&status=signer_revoked`)).items).toHaveLength(0)
      expect((await page('sort=modelName&order=asc')).items[0]?.modelName).toBe('support-bot-lora')
      const bad = await h.request('GET', '/api/v1/tgsp/packages?sort=nonsense', operator)
      expect(bad.status).toBe(422)
      const missing = await h.request('GET', '/api/v1/tgsp/packages/00000000-0000-4000-8000-000000000000', operator)
      expect(missing.status).toBe(404)
    })

    it('promotes to canary then stable, keeps one live release per fleet and channel, rolls back', async (t) => {
      if (block.skipped) return t.skip()
      const fleetRes = await h.request('POST', '/api/v1/tgsp/fleets', {
        ...operator,
        body: { name: 'edge-eu', description: 'EU edge gateways' },
      })
      expect(fleetRes.status).toBe(201)
      const fleet = await json<{ id: string }>(fleetRes)
      expect((await h.request('POST', '/api/v1/tgsp/fleets', { ...operator, body: { name: 'edge-eu' } })).status).toBe(
        409,
      )

      const v1 = await uploaded(makePackage({ version: '3.0.0' }))
      const v2 = await uploaded(makePackage({ version: '3.1.0' }))
      const promote = (packageId: string, channel: string) =>
        h.request('POST', '/api/v1/tgsp/releases', {
          ...releaser,
          body: { packageId, fleetId: fleet.id, channel, notes: `${channel} go` },
        })
      expect((await promote(v1.id, 'canary')).status).toBe(201)
      expect((await promote(v1.id, 'stable')).status).toBe(201)
      const again = await promote(v1.id, 'stable')
      expect(again.status).toBe(409)
      expect((await promote(v1.id, 'nightly')).status).toBe(422)
      expect((await h.request('POST', '/api/v1/tgsp/releases', { ...publisher, body: {} })).status).toBe(403)
      const v2Live = await promote(v2.id, 'stable')
      expect(v2Live.status).toBe(201)

      const history = await json<{ items: ReleaseBody[] }>(
        await h.request('GET', `/api/v1/tgsp/releases?fleetId=${fleet.id}&channel=stable`, operator),
      )
      expect(history.items.map((r) => [r.package.id, r.isActive])).toEqual([
        [v2.id, true],
        [v1.id, false],
      ])
      const earlier = history.items[1]!
      const rolled = await h.request('POST', `/api/v1/tgsp/releases/${earlier.id}/rollback`, {
        ...releaser,
        body: { notes: 'v2 misbehaves' },
      })
      expect(rolled.status).toBe(201)
      expect(await json<ReleaseBody>(rolled)).toMatchObject({
        kind: 'rollback',
        rollbackOf: earlier.id,
        isActive: true,
        package: { id: v1.id },
      })
      const live = await json<{ items: ReleaseBody[] }>(
        await h.request('GET', `/api/v1/tgsp/releases?fleetId=${fleet.id}&activeOnly=true`, operator),
      )
      expect(live.items.map((r) => [r.channel, r.package.id]).sort()).toEqual([
        ['canary', v1.id],
        ['stable', v1.id],
      ])
      const liveRelease = live.items.find((r) => r.channel === 'stable')!
      expect(
        (await h.request('POST', `/api/v1/tgsp/releases/${liveRelease.id}/rollback`, { ...releaser, body: {} })).status,
      ).toBe(409)
      const detail = await json<PackageBody>(await h.request('GET', `/api/v1/tgsp/packages/${v1.id}`, operator))
      expect(detail.liveOn.map((l) => `${l.fleetName}/${l.channel}`).sort()).toEqual([
        'edge-eu/canary',
        'edge-eu/stable',
      ])
      // The detail no longer embeds its releases: they are the releases list by packageId.
      expect(detail).not.toHaveProperty('releases')
      const ofPackage = await json<{ items: ReleaseBody[]; nextCursor: string | null }>(
        await h.request('GET', `/api/v1/tgsp/releases?packageId=${v1.id}&limit=2`, operator),
      )
      expect(ofPackage.items).toHaveLength(2)
      const rest = await json<{ items: ReleaseBody[]; nextCursor: string | null }>(
        await h.request(
          'GET',
          `/api/v1/tgsp/releases?packageId=${v1.id}&limit=2&cursor=${ofPackage.nextCursor}`,
          operator,
        ),
      )
      expect(rest).toMatchObject({ nextCursor: null })
      expect([...ofPackage.items, ...rest.items].map((r) => r.package.id)).toEqual([v1.id, v1.id, v1.id])
      const actions = (await h.auditEntries()).map((e) => e.body.action)
      expect(actions.filter((a) => a === 'tgsp.release_promoted')).toHaveLength(3)
      expect(actions).toContain('tgsp.release_rolled_back')

      const archived = await h.request('PATCH', `/api/v1/tgsp/fleets/${fleet.id}`, {
        ...operator,
        body: { status: 'archived', name: 'edge-eu-old' },
      })
      expect(await json(archived)).toMatchObject({ status: 'archived', name: 'edge-eu-old' })
      expect((await promote(v2.id, 'canary')).status).toBe(409)
      const fleets = await json<{ items: unknown[] }>(await h.request('GET', '/api/v1/tgsp/fleets', operator))
      expect(fleets.items).toHaveLength(0)
      const withArchived = await json<{ items: unknown[] }>(
        await h.request('GET', '/api/v1/tgsp/fleets?includeArchived=true', operator),
      )
      expect(withArchived.items).toHaveLength(1)
      await h.request('PATCH', `/api/v1/tgsp/fleets/${fleet.id}`, { ...operator, body: { status: 'active' } })
    })

    it('answers 404 for every id that does not exist', async (t) => {
      if (block.skipped) return t.skip()
      const missing = '00000000-0000-4000-8000-000000000000'
      const [fleet] = (
        await json<{ items: Array<{ id: string }> }>(
          await h.request('GET', '/api/v1/tgsp/fleets?includeArchived=true', operator),
        )
      ).items
      const [pkg] = (
        await json<{ items: Array<{ id: string }> }>(await h.request('GET', '/api/v1/tgsp/packages', operator))
      ).items
      const cases: Array<[string, string, Session, unknown]> = [
        ['POST', `/api/v1/tgsp/publishers/${missing}/revoke`, admin, undefined],
        ['GET', `/api/v1/tgsp/packages/${missing}/download`, operator, undefined],
        ['PATCH', `/api/v1/tgsp/fleets/${missing}`, operator, { name: 'x' }],
        ['POST', '/api/v1/tgsp/releases', releaser, { packageId: missing, fleetId: fleet?.id, channel: 'canary' }],
        ['POST', '/api/v1/tgsp/releases', releaser, { packageId: pkg?.id, fleetId: missing, channel: 'canary' }],
        ['POST', `/api/v1/tgsp/releases/${missing}/rollback`, releaser, {}],
      ]
      for (const [method, path, who, body] of cases) {
        const res = await h.request(method, path, { ...who, body })
        expect(res.status, `${method} ${path}`).toBe(404)
        expect((await json<ErrorBody>(res)).error.code).toBe('NOT_FOUND')
      }
      const channels = await json<{ items: string[] }>(await h.request('GET', '/api/v1/tgsp/channels', operator))
      expect(channels.items).toEqual(['canary', 'stable'])
    })

    it('holds stable until the fleet soak time on canary has passed, unless an admin overrides it (audited)', async (t) => {
      if (block.skipped) return t.skip()
      const created = await h.request('POST', '/api/v1/tgsp/fleets', {
        ...operator,
        body: { name: 'soak-fleet', soakMinutes: 60 },
      })
      expect(created.status).toBe(201)
      const fleet = await json<{ id: string; soakMinutes: number }>(created)
      expect(fleet.soakMinutes).toBe(60)
      const release = (packageId: string, channel: string, who: Session = releaser, extra = {}) =>
        h.request('POST', '/api/v1/tgsp/releases', {
          ...who,
          body: { packageId, fleetId: fleet.id, channel, ...extra },
        })

      const first = await uploaded(makePackage({ version: '5.0.0' }))
      const neverOnCanary = await release(first.id, 'stable')
      expect(neverOnCanary.status).toBe(409)
      expect((await json<ErrorBody>(neverOnCanary)).error).toMatchObject({
        code: 'RELEASE_POLICY',
        details: { previousChannel: 'canary', allowedAt: null },
      })
      const canary = await release(first.id, 'canary')
      expect(canary.status).toBe(201)
      const liveSince = Date.parse((await json<{ createdAt: string }>(canary)).createdAt)
      const tooSoon = await release(first.id, 'stable')
      expect(tooSoon.status).toBe(409)
      const refusal = (await json<ErrorBody>(tooSoon)).error
      expect(refusal.code).toBe('RELEASE_POLICY')
      expect(refusal.message).toContain('soak time on canary')
      expect(Date.parse(refusal.details?.allowedAt as string)).toBe(liveSince + 60 * 60_000)

      const notAdmin = await release(first.id, 'stable', releaser, { override: { reason: 'hotfix' } })
      expect(notAdmin.status).toBe(403)
      const overridden = await release(first.id, 'stable', admin, { override: { reason: 'CVE hotfix, approved' } })
      expect(overridden.status).toBe(201)
      const promoted = (await h.auditEntries()).filter((e) => e.body.action === 'tgsp.release_promoted').at(-1)
      expect(promoted?.body.details).toMatchObject({
        channel: 'stable',
        policy: { soakMinutes: 60, previousChannel: 'canary', override: { reason: 'CVE hotfix, approved' } },
      })

      // A package live on canary for longer than the soak time goes to stable without an override.
      const second = await uploaded(makePackage({ version: '5.1.0' }))
      const secondCanary = await json<{ id: string }>(await release(second.id, 'canary'))
      await h.database.db
        .update(tgspReleases)
        .set({ createdAt: new Date(Date.now() - 61 * 60_000) })
        .where(eq(tgspReleases.id, secondCanary.id))
      expect((await release(second.id, 'stable')).status).toBe(201)

      // Without a soak time the policy does not hold anything.
      const third = await uploaded(makePackage({ version: '5.2.0' }))
      const cleared = await h.request('PATCH', `/api/v1/tgsp/fleets/${fleet.id}`, {
        ...operator,
        body: { soakMinutes: 0 },
      })
      expect(cleared.status).toBe(200)
      expect((await release(third.id, 'stable')).status).toBe(201)
    })

    it('revoking a publisher marks its packages, blocks their release and rejects new uploads by it', async (t) => {
      if (block.skipped) return t.skip()
      const pkg = await uploaded(makePackage({ version: '9.0.0' }))
      const [fleet] = (
        await json<{ items: Array<{ id: string; name: string }> }>(
          await h.request('GET', '/api/v1/tgsp/fleets', operator),
        )
      ).items
      const live = await h.request('POST', '/api/v1/tgsp/releases', {
        ...releaser,
        body: { packageId: pkg.id, fleetId: fleet?.id, channel: 'canary' },
      })
      expect(live.status).toBe(201)
      const signed = await h.database.db.select().from(tgspPackages).where(eq(tgspPackages.publisherId, publisherId))
      const listed = await json<{ items: PublisherBody[] }>(await h.request('GET', '/api/v1/tgsp/publishers', admin))
      const acme = listed.items.find((p) => p.id === publisherId)
      expect(signed.length).toBeGreaterThan(1)
      expect(acme?.packages).toBe(signed.length)
      expect(acme?.liveReleases).toContainEqual(
        expect.objectContaining({
          packageId: pkg.id,
          fleetName: fleet?.name,
          channel: 'canary',
          modelVersion: '9.0.0',
        }),
      )
      const revoked = await h.request('POST', `/api/v1/tgsp/publishers/${publisherId}/revoke`, admin)
      expect(revoked.status).toBe(200)
      expect(await json(revoked)).toMatchObject({ status: 'revoked', packages: signed.length })
      expect((await h.request('POST', `/api/v1/tgsp/publishers/${publisherId}/revoke`, admin)).status).toBe(409)
      const detail = await json<PackageBody>(await h.request('GET', `/api/v1/tgsp/packages/${pkg.id}`, operator))
      expect(detail.status).toBe('signer_revoked')
      const release = await h.request('POST', '/api/v1/tgsp/releases', {
        ...releaser,
        body: { packageId: pkg.id, fleetId: fleet?.id, channel: 'canary' },
      })
      expect(release.status).toBe(409)
      expect((await json<ErrorBody>(release)).error.message).toContain('revoked')
      const res = await upload(makePackage({ version: '9.1.0' }))
      expect(res.status).toBe(422)
      const checks = (await json<ErrorBody>(res)).error.details?.checks as Checks
      expect(checks.signer.reason).toContain('revoked')
      const stored = await h.database.db.select().from(tgspPackages).where(eq(tgspPackages.id, pkg.id))
      expect(stored[0]?.status).toBe('signer_revoked')
    })
  })
}

forEachDatabase(suite)
suite('embedded PGlite + S3 object store (moto)', async () => {
  const s3 = await startS3Server()
  if ('skip' in s3) return s3
  const settings = await s3.bucket('tg/packages/')
  const client = s3.client(settings)
  return {
    h: await createHarness({ blobs: () => createS3BlobStore(settings, { client }) }),
    cleanup: s3.stop,
    files: () => objectKeys(client, settings),
  }
})
