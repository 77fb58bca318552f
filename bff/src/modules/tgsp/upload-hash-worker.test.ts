import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { sha256WorkerState } from '../../lib/sha256-worker'
import { createHarness } from '../../test/harness'
import type { ErrorBody, Harness } from '../../test/harness'
import { UPLOAD_PATH, incomingFiles, makePackage, publisherKey, serveHarness, streamUpload } from './test-support'

// The payload is hashed in a worker thread (lib/sha256-worker.ts): an upload that ends early
// must free its share of the worker and its temporary file, and a payload whose hash differs from
// the header's must be refused exactly as before.

const MiB = 1024 ** 2

let h: Harness
let key: string
let server: Awaited<ReturnType<typeof serveHarness>>

beforeAll(async () => {
  h = await createHarness({ tgsp: { maxUploadBytes: 32 * MiB, uploadIdleTimeoutMs: 10_000 } })
  key = await publisherKey(h)
  server = await serveHarness(h)
})
afterAll(async () => {
  await server.close()
  await h.close()
})

/** Byte offset of the payload in a package (after magic, three JSON sections and the u64 length). */
function payloadOffset(pkg: Uint8Array): number {
  const view = new DataView(pkg.buffer, pkg.byteOffset, pkg.byteLength)
  let at = 6
  for (let section = 0; section < 3; section++) at += 4 + view.getUint32(at)
  return at + 8
}

describe('the payload hashed in a worker thread', () => {
  it('frees the worker and removes the temporary file when the client goes away mid-payload', async () => {
    const pkg = makePackage(16 * MiB)
    const { hostname, port } = new URL(server.url)
    const socket = connect({ host: hostname, port: Number(port) })
    socket.on('error', () => undefined)
    socket.write(
      `POST ${UPLOAD_PATH} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${key}\r\n` +
        `Content-Type: application/octet-stream\r\nContent-Length: ${pkg.byteLength}\r\n\r\n`,
    )
    socket.write(pkg.subarray(0, 6 * MiB))
    // Mid-payload: the worker holds this upload's hash and the temporary file exists.
    await vi.waitFor(
      async () => {
        expect(await sha256WorkerState()).toMatchObject({ running: true, sessions: 1, hashes: 1 })
        expect(incomingFiles(h.blobDir)).toHaveLength(1)
      },
      { timeout: 10_000 },
    )
    socket.destroy()
    await vi.waitFor(
      async () => {
        expect(await sha256WorkerState()).toMatchObject({ running: true, sessions: 0, hashes: 0 })
        expect(incomingFiles(h.blobDir)).toEqual([])
        const aborted = (await h.auditEntries()).findLast((e) => e.body.action === 'tgsp.package_upload_aborted')
        expect(aborted?.body.details).toMatchObject({ reason: 'client_aborted' })
      },
      { timeout: 10_000 },
    )
    // The same worker serves the next upload.
    const next = await streamUpload(server.url, key, makePackage(3 * MiB))
    expect(next.status, next.body).toBe(201)
    expect(await sha256WorkerState()).toMatchObject({ running: true, sessions: 0, hashes: 0 })
  })

  it('refuses a payload whose hash is not the header’s with 422 PACKAGE_REJECTED, its hash check failed', async () => {
    const damaged = makePackage(5 * MiB).slice()
    const at = payloadOffset(damaged) + 2 * MiB + 3
    damaged[at] = (damaged[at] ?? 0) ^ 0x80
    const answer = await streamUpload(server.url, key, damaged)
    expect(answer.status, answer.body).toBe(422)
    const { error } = JSON.parse(answer.body) as ErrorBody
    expect(error.code).toBe('PACKAGE_REJECTED')
    const checks = error.details?.checks as Record<string, { ok: boolean; reason: string | null }>
    expect(checks.structure?.ok).toBe(true)
    expect(checks.hashes).toMatchObject({ ok: false, reason: expect.stringMatching(/payload/i) })
    expect(error.message).toMatch(/^The package was rejected\. Hashes: /)
    expect(incomingFiles(h.blobDir)).toEqual([])
    expect(await sha256WorkerState()).toMatchObject({ sessions: 0, hashes: 0 })
  })

  it('refuses a body cut inside the payload with 422 and keeps nothing', async () => {
    const pkg = makePackage(4 * MiB)
    const answer = await streamUpload(server.url, key, pkg.subarray(0, payloadOffset(pkg) + 3 * MiB), {
      declared: null,
    })
    expect(answer.status, answer.body).toBe(422)
    const { error } = JSON.parse(answer.body) as ErrorBody
    expect(error.code).toBe('PACKAGE_REJECTED')
    expect(error.message).toContain('ends inside the payload')
    expect(incomingFiles(h.blobDir)).toEqual([])
    expect(await sha256WorkerState()).toMatchObject({ sessions: 0, hashes: 0 })
  })
})
