import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tgspPackages } from '../../db/schema'
import { createHarness, json } from '../../test/harness'
import type { ErrorBody, Harness } from '../../test/harness'
import { createLocalBlobStore } from './blobs'
import {
  UPLOAD_PATH,
  fullDiskStreamFs,
  incomingFiles,
  makePackage,
  mountTmpfs,
  publisherKey,
  sendThenRead,
  serveHarness,
  streamUpload,
} from './test-support'

const MiB = 1024 * 1024

async function rowCount(h: Harness) {
  return (await h.database.db.select().from(tgspPackages)).length
}

/** The refusal a client sees, and what the server kept: nothing, an audit entry and an error log. */
async function expectRefusedForSpace(h: Harness, status: number, body: string, rowsBefore: number) {
  expect(status, body).toBe(507)
  const { error } = JSON.parse(body) as ErrorBody
  expect(error.code).toBe('INSUFFICIENT_STORAGE')
  expect(error.message, body).toContain('the package store is full')
  expect(error.message).not.toContain(h.blobDir)
  expect(error.details).toMatchObject({ cause: 'ENOSPC' })
  expect(incomingFiles(h.blobDir)).toEqual([])
  expect(await rowCount(h)).toBe(rowsBefore)
  const refusal = (await h.auditEntries()).findLast((e) => e.body.action === 'tgsp.package_rejected')
  expect(refusal?.body).toMatchObject({ outcome: 'failure', details: { reason: 'insufficient_storage' } })
  const logged = h.logs.lines.map((l) => JSON.parse(l) as { level: string; msg: string; code?: string })
  expect(logged).toContainEqual(
    expect.objectContaining({ level: 'error', msg: expect.stringContaining('package store'), code: 'ENOSPC' }),
  )
}

describe('an upload onto a full disk (injected ENOSPC under the real write stream)', () => {
  const disk = { room: 1 * MiB }
  let h: Harness
  let key: string
  beforeAll(async () => {
    h = await createHarness({ blobs: (dir) => createLocalBlobStore(dir, { streamFs: fullDiskStreamFs(disk) }) })
    key = await publisherKey(h)
  })
  afterAll(() => h.close())

  it('answers 507 at once with the reason, keeps nothing, and the next upload succeeds once space is freed', async () => {
    const bytes = makePackage(3 * MiB)
    const rows = await rowCount(h)
    const res = await h.request('POST', UPLOAD_PATH, {
      bearer: key,
      rawBody: bytes,
      headers: { 'content-type': 'application/octet-stream' },
    })
    await expectRefusedForSpace(h, res.status, await res.text(), rows)

    disk.room = Number.POSITIVE_INFINITY
    const again = await h.request('POST', UPLOAD_PATH, {
      bearer: key,
      rawBody: bytes,
      headers: { 'content-type': 'application/octet-stream' },
    })
    expect(again.status, await again.clone().text()).toBe(201)
    expect(await rowCount(h)).toBe(rows + 1)
    expect(incomingFiles(h.blobDir)).toEqual([])
  })

  it('reaches a client over HTTP while it is still sending a large body, then closes the connection', async () => {
    const server = await serveHarness(h)
    try {
      disk.room = 1 * MiB
      const bytes = makePackage(24 * MiB)
      const rows = await rowCount(h)
      const answer = await streamUpload(server.url, key, bytes)
      expect(answer.sent).toBeLessThan(bytes.byteLength)
      expect(answer.headers.connection).toBe('close')
      await expectRefusedForSpace(h, answer.status, answer.body, rows)
    } finally {
      disk.room = Number.POSITIVE_INFINITY
      await server.close()
    }
  })

  it('reaches a client that reads only after sending the whole body (lingering close, no reset)', async () => {
    const server = await serveHarness(h)
    try {
      disk.room = 1 * MiB
      const rows = await rowCount(h)
      const answer = await sendThenRead(server.url, key, makePackage(24 * MiB))
      await expectRefusedForSpace(h, answer.status, answer.body, rows)
    } finally {
      disk.room = Number.POSITIVE_INFINITY
      await server.close()
    }
  })

  it('makes the service health say the blob store cannot write', async () => {
    disk.room = 0
    const admin = await h.signIn('root')
    const health = await json<{ status: string; components: Array<Record<string, unknown>> }>(
      await h.request('GET', '/api/v1/system/health', admin),
    )
    disk.room = Number.POSITIVE_INFINITY
    expect(health.status).toBe('degraded')
    expect(health.components.find((c) => c.name === 'tgsp')).toMatchObject({
      status: 'unavailable',
      message: expect.stringContaining('Blob store not writable: the package store is full'),
      storage: { writable: false, freeBytes: expect.any(Number) },
    })
  })
})

describe('an upload onto a small file system that fills up (tmpfs of 2 MiB)', () => {
  let mounted: ReturnType<typeof mountTmpfs>
  let h: Harness
  let key: string
  let server: Awaited<ReturnType<typeof serveHarness>>
  beforeAll(async () => {
    mounted = mountTmpfs('2m')
    if ('skip' in mounted) return console.warn(`tmpfs disk-full tests skipped: ${mounted.skip}`)
    h = await createHarness({ tgsp: { blobDir: mounted.dir } })
    key = await publisherKey(h)
    server = await serveHarness(h)
  })
  afterAll(async () => {
    if ('skip' in mounted) return
    await server.close()
    await h.close()
    mounted.unmount()
  })

  it('answers 507 mid-stream and before reading, keeps nothing, and takes a package once space is freed', async (t) => {
    if ('skip' in mounted) return t.skip(mounted.skip)
    const rows = await rowCount(h)
    const big = makePackage(3 * MiB)
    const streamed = await streamUpload(server.url, key, big, { declared: null })
    await expectRefusedForSpace(h, streamed.status, streamed.body, rows)

    const declared = await streamUpload(server.url, key, big)
    expect(declared.status).toBe(507)
    expect((JSON.parse(declared.body) as ErrorBody).error.details).toMatchObject({ declaredBytes: big.byteLength })

    const filler = join(mounted.dir, 'filler')
    writeFileSync(filler, new Uint8Array(2 * MiB - 64 * 1024).fill(1), { flag: 'w' })
    const small = makePackage(256 * 1024)
    const refused = await streamUpload(server.url, key, small, { declared: null })
    await expectRefusedForSpace(h, refused.status, refused.body, rows)

    rmSync(filler)
    const stored = await streamUpload(server.url, key, small, { declared: null })
    expect(stored.status, stored.body).toBe(201)
    expect(await rowCount(h)).toBe(rows + 1)
  })

  it('reports the free space, degraded below one upload, and an unwritable store when full', async (t) => {
    if ('skip' in mounted) return t.skip(mounted.skip)
    const admin = await h.userSession('ops', ['operator'])
    const tgsp = async () => {
      const health = await json<{ status: string; components: Array<Record<string, unknown>> }>(
        await h.request('GET', '/api/v1/system/health', admin),
      )
      expect(health.status).toBe('degraded')
      return health.components.find((c) => c.name === 'tgsp')
    }
    expect(await tgsp()).toMatchObject({
      status: 'degraded',
      message: expect.stringMatching(/free of 2\.0 MiB: below the 64\.0 MiB an upload may need/),
      storage: { writable: true, totalBytes: 2 * MiB, minFreeBytes: 64 * MiB, freeBytes: expect.any(Number) },
    })
    const filler = join(mounted.dir, 'filler')
    try {
      writeFileSync(filler, new Uint8Array(4 * MiB))
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC')
    }
    expect(await tgsp()).toMatchObject({
      status: 'unavailable',
      storage: { writable: false, freeBytes: 0 },
    })
    rmSync(filler)
  })
})
