import { request } from 'node:http'
import { CreateBucketCommand, ListMultipartUploadsCommand, ListPartsCommand } from '@aws-sdk/client-s3'
import type { S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, json } from '../../test/harness'
import type { ErrorBody, Harness } from '../../test/harness'
import { incompleteUploads, objectKeys, startS3Server } from '../../test/s3-server'
import type { S3TestServer } from '../../test/s3-server'
import { createS3BlobStore } from './blobs-s3'
import { sweepUnreferenced } from './sweeper'
import type { S3Settings } from './blobs-s3'
import { UPLOAD_PATH, makePackage, publisherKey, serveHarness } from './test-support'

const MiB = 1024 * 1024
/** Bounds every wait on the server's side of a disconnect (count, not time). */
const MAX_POLLS = 300

/** Records the name of every command the client sends; `failPart` makes that UploadPart fail as a 500 would. */
function recordCommands(client: S3Client) {
  const sent: string[] = []
  const faults = { failPart: 0 }
  client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? '')
      const parts = sent.filter((name) => name === 'UploadPartCommand').length
      if (context.commandName === 'UploadPartCommand' && parts === faults.failPart)
        throw Object.assign(new Error('We encountered an internal error. Please try again.'), {
          name: 'InternalError',
          $metadata: { httpStatusCode: 500 },
        })
      return next(args)
    },
    { step: 'initialize', name: 'recordCommands' },
  )
  return { sent, faults }
}

async function pollUntil(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < MAX_POLLS; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`condition not met after ${MAX_POLLS} polls`)
}

describe('package blobs in an S3 object store (moto on 127.0.0.1)', () => {
  let s3: S3TestServer
  let skipped: string | null = null
  let settings: S3Settings
  let client: S3Client
  let commands: ReturnType<typeof recordCommands>
  let h: Harness
  let key: string
  const keys = () => objectKeys(client, settings)
  const multipart = () => incompleteUploads(client, settings)
  const listUploads = async () =>
    (await client.send(new ListMultipartUploadsCommand({ Bucket: settings.bucket, Prefix: settings.prefix })))
      .Uploads ?? []
  const upload = (bytes: Uint8Array) =>
    h.request('POST', UPLOAD_PATH, {
      bearer: key,
      rawBody: bytes,
      headers: { 'content-type': 'application/octet-stream' },
    })

  beforeAll(async () => {
    const started = await startS3Server()
    if ('skip' in started) {
      skipped = started.skip
      console.warn(`S3 object store tests skipped: ${skipped}`)
      return
    }
    s3 = started
    settings = await s3.bucket('tg/')
    client = s3.client(settings)
    commands = recordCommands(client)
    h = await createHarness({ blobs: () => createS3BlobStore(settings, { client }) })
    key = await publisherKey(h)
  })
  afterAll(async () => {
    if (skipped) return
    await h.close()
    await s3.stop()
  })

  it('streams a package in several parts, stores it under its content address, and downloads it whole and by range', async (t) => {
    if (skipped) return t.skip(skipped)
    const bytes = makePackage(20 * MiB)
    commands.sent.length = 0
    const res = await upload(bytes)
    expect(res.status, await res.clone().text()).toBe(201)
    const pkg = await json<{ id: string; contentId: string; sizeBytes: number }>(res)
    // 20 MiB in 8 MiB parts: a multipart upload of three parts, then a copy to the content address.
    expect(commands.sent.filter((c) => c === 'CreateMultipartUploadCommand')).toHaveLength(1)
    expect(commands.sent.filter((c) => c === 'UploadPartCommand')).toHaveLength(3)
    expect(commands.sent).toContain('CompleteMultipartUploadCommand')
    expect(await keys()).toEqual([`sha256/${pkg.contentId.slice(0, 2)}/${pkg.contentId}`])
    expect(await multipart()).toEqual([])

    const whole = await h.request('GET', `/api/v1/tgsp/packages/${pkg.id}/download`, { bearer: key })
    expect(whole.status).toBe(200)
    expect(whole.headers.get('content-length')).toBe(String(bytes.byteLength))
    expect(Buffer.from(await whole.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true)
    const part = await h.request('GET', `/api/v1/tgsp/packages/${pkg.id}/download`, {
      bearer: key,
      headers: { range: 'bytes=10485760-10485775' },
    })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 10485760-10485775/${bytes.byteLength}`)
    expect(Buffer.from(await part.arrayBuffer()).equals(Buffer.from(bytes.subarray(10485760, 10485776)))).toBe(true)
  })

  it('refused by verification (a tampered payload): 422, no object and no incomplete upload left', async (t) => {
    if (skipped) return t.skip(skipped)
    const before = await keys()
    // A payload byte flipped halfway: the whole body is stored (multipart) before the hash check fails.
    const tampered = makePackage(12 * MiB)
    const middle = Math.floor(tampered.length / 2)
    tampered[middle] = (tampered[middle] ?? 0) ^ 0xff
    commands.sent.length = 0
    const res = await upload(tampered)
    expect(res.status).toBe(422)
    const { error } = await json<ErrorBody>(res)
    expect(error.code).toBe('PACKAGE_REJECTED')
    expect(error.details?.checks).toMatchObject({ structure: { ok: true }, hashes: { ok: false } })
    expect(commands.sent).toContain('CompleteMultipartUploadCommand')
    expect(await keys()).toEqual(before)
    expect(await multipart()).toEqual([])
  })

  it('a part the store fails mid-upload: 507, the multipart upload aborted, no object', async (t) => {
    if (skipped) return t.skip(skipped)
    const before = await keys()
    commands.sent.length = 0
    commands.faults.failPart = 2
    try {
      const res = await upload(makePackage(20 * MiB))
      expect(res.status).toBe(507)
      const { error } = await json<ErrorBody>(res)
      expect(error.code).toBe('INSUFFICIENT_STORAGE')
      expect(error.message).toContain('object store failed (500 InternalError)')
    } finally {
      commands.faults.failPart = 0
    }
    expect(commands.sent).toContain('AbortMultipartUploadCommand')
    expect(await keys()).toEqual(before)
    expect(await multipart()).toEqual([])
  })

  it('a client that disconnects mid-upload leaves no object and no incomplete upload', async (t) => {
    if (skipped) return t.skip(skipped)
    const before = await keys()
    const server = await serveHarness(h)
    try {
      commands.sent.length = 0
      const bytes = makePackage(24 * MiB)
      const req = request(`${server.url}${UPLOAD_PATH}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(bytes.byteLength),
          authorization: `Bearer ${key}`,
        },
      })
      req.on('error', () => undefined)
      req.write(bytes.subarray(0, 17 * MiB))
      // Disconnect once the multipart upload holds a part in the store.
      await pollUntil(async () => commands.sent.includes('UploadPartCommand'))
      expect(await multipart()).toHaveLength(1)
      req.destroy()
      await pollUntil(async () => (await h.auditEntries()).some((e) => e.body.action === 'tgsp.package_upload_aborted'))
      await pollUntil(async () => (await multipart()).length === 0)
      expect(await keys()).toEqual(before)
    } finally {
      await server.close()
    }
  })

  it('the sweep aborts a stale multipart upload and removes blobs no package references, keeping live ones', async (t) => {
    if (skipped) return t.skip(skipped)
    const store = createS3BlobStore(settings, { client })
    const stale = await store.incoming()
    await stale.write(new Uint8Array(9 * MiB))
    // moto reports a fixed "Initiated" time (2010) for every multipart upload: wait for the first
    // part, whose time is real, so that the upload's last activity is now.
    await pollUntil(async () => {
      const [upload] = await listUploads()
      if (!upload) return false
      const parts = await client.send(
        new ListPartsCommand({ Bucket: settings.bucket, Key: upload.Key, UploadId: upload.UploadId }),
      )
      return (parts.Parts ?? []).length > 0
    })
    // Nothing is idle for an hour yet: the live upload stays.
    expect(await store.sweepIncoming(3600_000)).toEqual([])
    expect(await multipart()).toHaveLength(1)
    const swept = await store.sweepIncoming(0)
    expect(swept).toEqual([
      expect.objectContaining({ name: expect.stringMatching(/^multipart upload of tg\/\.incoming\//), bytes: 8 * MiB }),
    ])
    expect(await multipart()).toEqual([])
    await stale.discard()

    // The sweep of unreferenced blobs runs only beside a database that has packages.
    expect((await upload(makePackage())).status).toBe(201)
    const kept = await keys()
    const orphan = await store.incoming()
    await orphan.write(new TextEncoder().encode('bytes whose row never committed'))
    await orphan.commit('f'.repeat(64))
    expect(await keys()).toContain(`sha256/ff/${'f'.repeat(64)}`)
    const removed = await sweepUnreferenced({ db: h.database.db, blobs: store, log: h.logs.log }, 0)
    expect(removed.map((r) => r.name)).toEqual([`sha256/${'f'.repeat(64)}`])
    expect(await keys()).toEqual(kept)
  })

  it('readiness answers 503 naming the object store while it is down, 200 with objectStore ok once back', async (t) => {
    if (skipped) return t.skip(skipped)
    const ready = await h.request('GET', '/readyz')
    expect(ready.status).toBe(200)
    expect((await json<{ checks: Record<string, string> }>(ready)).checks.objectStore).toBe('ok')
    await s3.stop()
    try {
      const down = await h.request('GET', '/readyz')
      expect(down.status).toBe(503)
      const { error } = await json<ErrorBody>(down)
      expect(error.message).toContain('the object store of package bytes does not answer')
      expect(error.details).toMatchObject({ checks: { database: 'ok', migrations: 'ok', objectStore: 'unavailable' } })
      const health = await json<{ components: Array<{ name: string; status: string; message: string }> }>(
        await h.request('GET', '/api/v1/system/health', { bearer: await h.apiKey(['viewer']) }),
      )
      const tgsp = health.components.find((c) => c.name === 'tgsp')
      expect(tgsp).toMatchObject({ status: 'unavailable' })
      expect(tgsp).not.toHaveProperty('storage')
      expect(tgsp?.message).toContain('Object store s3://')
      expect(tgsp?.message).not.toContain('test-secret-key')
    } finally {
      await s3.restart()
    }
    // moto keeps nothing across a restart: the bucket is gone (HeadBucket 404) until it is made again.
    expect((await h.request('GET', '/readyz')).status).toBe(503)
    await client.send(new CreateBucketCommand({ Bucket: settings.bucket }))
    const back = await h.request('GET', '/readyz')
    expect(back.status).toBe(200)
    expect((await json<{ checks: Record<string, string> }>(back)).checks.objectStore).toBe('ok')
  })
})
