import { mkdirSync, statfsSync, utimesSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createHarness } from '../../test/harness'
import type { ErrorBody, Harness } from '../../test/harness'
import { UPLOAD_PATH, incomingFiles, makePackage, publisherKey, serveHarness, streamUpload } from './test-support'

const IDLE_MS = 400
const GiB = 1024 ** 3

describe('uploads that stall, and slow ones that do not', () => {
  let h: Harness
  let key: string
  let server: Awaited<ReturnType<typeof serveHarness>>
  beforeAll(async () => {
    h = await createHarness({ tgsp: { uploadIdleTimeoutMs: IDLE_MS, maxUploadBytes: 2 * GiB + 1 } })
    key = await publisherKey(h)
    // Other requests must arrive whole within 300 ms here (300 s in production), uploads need not.
    server = await serveHarness(h, 300)
  })
  afterAll(async () => {
    await server.close()
    await h.close()
  })

  const expectIdleAbort = async (status: number, body: string) => {
    expect(status, body).toBe(408)
    const { error } = JSON.parse(body) as ErrorBody
    expect(error).toMatchObject({ code: 'REQUEST_TIMEOUT', details: { idleSeconds: IDLE_MS / 1000 } })
    expect(error.message).toContain('No bytes of the upload arrived')
    expect(incomingFiles(h.blobDir)).toEqual([])
    const aborted = (await h.auditEntries()).findLast((e) => e.body.action === 'tgsp.package_upload_aborted')
    expect(aborted?.body).toMatchObject({ outcome: 'failure', details: { reason: 'idle_timeout', bytes: 100 } })
  }

  it('ends a body that stops after 100 bytes with 408, keeping nothing', async () => {
    const head = makePackage().subarray(0, 100)
    const body = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(head) })
    const res = await h.app.request(`http://localhost${UPLOAD_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', authorization: `Bearer ${key}` },
      body,
      duplex: 'half',
    } as RequestInit)
    await expectIdleAbort(res.status, await res.text())
  })

  it('answers a client over HTTP that declared 2 GiB and stalled after 100 bytes with 408', async () => {
    const { bavail, bsize } = statfsSync(h.blobDir)
    const declared = Math.min(2 * GiB, Math.floor((bavail * bsize) / 2))
    const answer = await streamUpload(server.url, key, makePackage(), { declared, stallAfter: 100 })
    expect(answer.headers.connection).toBe('close')
    await expectIdleAbort(answer.status, answer.body)
  })

  it('lets a slow but live upload run longer than any request may take to arrive', async () => {
    const bytes = makePackage(96 * 1024)
    const answer = await streamUpload(server.url, key, bytes, { chunkSize: 16 * 1024, pauseMs: 100 })
    expect(answer.status, answer.body).toBe(201)
  })

  it('tells a client that went away mid-body from a failing disk: audited as aborted, nothing kept', async () => {
    const bytes = makePackage(512 * 1024)
    const req = request(`${server.url}${UPLOAD_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(bytes.byteLength),
        authorization: `Bearer ${key}`,
      },
    })
    req.on('error', () => undefined)
    req.write(bytes.subarray(0, 200 * 1024), () => setTimeout(() => req.destroy(), 100))
    const aborted = await vi.waitFor(
      async () => {
        const entry = (await h.auditEntries()).findLast(
          (e) => e.body.action === 'tgsp.package_upload_aborted' && e.body.details?.reason !== 'idle_timeout',
        )
        expect(entry).toBeDefined()
        expect(incomingFiles(h.blobDir)).toEqual([])
        return entry
      },
      { timeout: 10_000 },
    )
    expect(aborted?.body).toMatchObject({ outcome: 'failure', details: { reason: 'client_aborted' } })
    const lines = h.logs.lines.map((l) => JSON.parse(l) as { level: string; msg: string })
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'info', msg: 'package upload aborted by the client' }),
    )
    expect(lines.filter((l) => l.level === 'error')).toEqual([])
  })

  /** Sends `head` and `body` as raw bytes; resolves with what came back before the server closed. */
  const raw = (head: string, body = '') =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(Number(new URL(server.url).port), '127.0.0.1', () => socket.write(head + body))
      const chunks: Buffer[] = []
      socket.on('data', (c: Buffer) => chunks.push(c))
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')))
      socket.on('error', reject)
    })
  const envelope = (answer: string) => (JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as ErrorBody).error

  it('still closes other requests whose body does not arrive whole in time, with the error envelope', async () => {
    const answer = await raw(
      'POST /api/v1/auth/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n',
      '{"username":',
    )
    expect(answer).toMatch(/^HTTP\/1\.1 408 /)
    expect(answer).toMatch(/\r\ncontent-type: application\/json\r\n/i)
    expect(envelope(answer)).toMatchObject({ code: 'REQUEST_TIMEOUT', requestId: expect.any(String) })
  })

  it('answers more bytes than the Content-Length with 400 BAD_REQUEST in the error envelope, keeping nothing', async () => {
    const before = (await h.auditEntries()).length
    const answer = await raw(
      'POST /api/v1/auth/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n',
      '{}garbage that is not a request line\r\n\r\n',
    )
    // The first request (an empty object) is answered; the bytes after it are not a request.
    const last = answer.slice(answer.lastIndexOf('HTTP/1.1 4'))
    expect(last).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
    expect(envelope(last)).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('Content-Length') })
    expect((await h.auditEntries()).length).toBeLessThanOrEqual(before + 1)
  })
})

describe('the scheduled sweep of unfinished uploads', () => {
  let h: Harness
  beforeAll(async () => {
    h = await createHarness({ tgsp: { sweepIntervalMs: 50, sweepAfterMs: 10 * 60_000 } })
  })
  afterAll(() => h.close())

  it('removes a crashed upload\u2019s file idle past the threshold, keeps a live one, and logs it', async () => {
    const dir = join(h.blobDir, '.incoming')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'crashed.part'), new Uint8Array(4096))
    const anHourAgo = new Date(Date.now() - 3600_000)
    utimesSync(join(dir, 'crashed.part'), anHourAgo, anHourAgo)
    writeFileSync(join(dir, 'live.part'), new Uint8Array(10))

    const stop = h.services.tgsp.startSweeper()
    const sweptLine = () =>
      h.logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => 'removed' in l)
    try {
      // The file goes first and the line is written after the pass: wait for both.
      await vi.waitFor(
        () => {
          expect(incomingFiles(h.blobDir)).toEqual(['live.part'])
          expect(sweptLine()).toBeDefined()
        },
        { timeout: 10_000 },
      )
    } finally {
      stop()
    }
    expect(sweptLine()).toMatchObject({
      level: 'info',
      removed: [{ name: 'crashed.part', bytes: 4096, idleSeconds: expect.any(Number) }],
    })
  })
})
