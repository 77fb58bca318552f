import { readdirSync } from 'node:fs'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createHarness } from '../../test/harness'
import type { Caller, ErrorBody, Harness } from '../../test/harness'
import { changedTables, rowCounts } from '../../test/hostile-input'
import { UPLOAD_PATH, incomingFiles, makePackage, publisherKey, serveHarness, streamUpload } from './test-support'

// Bodies that go wrong on the wire, through a real socket: a declared size over the cap, a size
// larger or smaller than what is sent, a truncated package, the wrong type, a client that goes
// away mid-body, for the package upload and the FedMoE evidence body. Each gets a clear error
// where one can be sent, keeps no row and no file, and the server keeps serving.

const GiB = 1024 ** 3
const MiB = 1024 ** 2
const EVIDENCE_MAX = 256 * 1024
/** Tables a refused upload writes on purpose: its failure audit entry and the `package.refused` event. */
const RECORD_TABLES = ['public.audit_log', 'public.audit_nodes', 'public.webhook_events']

let h: Harness
let key: string
let operator: Caller
let server: Awaited<ReturnType<typeof serveHarness>>
let host: { hostname: string; port: number }
const stats = { refusals: 0 }

beforeAll(async () => {
  h = await createHarness({
    tgsp: { maxUploadBytes: 4 * MiB, uploadIdleTimeoutMs: 1_000 },
    config: { fedmoeEvidenceMaxBytes: EVIDENCE_MAX },
  })
  key = await publisherKey(h)
  operator = await h.userSession('evidence-operator', ['operator'])
  server = await serveHarness(h)
  const url = new URL(server.url)
  host = { hostname: url.hostname, port: Number(url.port) }
})
afterAll(async () => {
  console.warn(`upload refusals over HTTP: ${stats.refusals} bodies refused, rows kept: 0, files kept: 0`)
  await server.close()
  await h.close()
})

type Raw = { status: number | null; head: string; body: string }

/**
 * Sends `head` and `body` on a raw socket, then ends it as `finish` says: `wait` keeps it open
 * for the answer, `half-close` sends FIN (no more bytes), `destroy` resets it. Resolves with the
 * first answer (status null when none came before the socket closed).
 */
function raw(head: string, body: Uint8Array, finish: 'wait' | 'half-close' | 'destroy'): Promise<Raw> {
  return new Promise((resolve) => {
    const socket = connect({ host: host.hostname, port: host.port })
    let answer = ''
    socket.on('data', (data: Buffer) => (answer += data.toString('latin1')))
    socket.on('error', () => undefined)
    socket.on('close', () => {
      const [headText = '', bodyText = ''] = answer.split('\r\n\r\n')
      const status = /^HTTP\/1\.1 (\d{3})/.exec(headText)?.[1]
      resolve({ status: status ? Number(status) : null, head: headText, body: bodyText })
    })
    socket.write(head)
    socket.write(body, () => {
      if (finish === 'half-close') socket.end()
      if (finish === 'destroy') setTimeout(() => socket.destroy(), 50)
      if (finish === 'wait') setTimeout(() => socket.end(), 3_000).unref()
    })
  })
}

const uploadHead = (length: number | null, contentType = 'application/octet-stream') =>
  `POST ${UPLOAD_PATH} HTTP/1.1\r\nHost: ${host.hostname}:${host.port}\r\nAuthorization: Bearer ${key}\r\n` +
  `Content-Type: ${contentType}\r\n${length === null ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${length}\r\n`}` +
  'Connection: close\r\n\r\n'

const blobFiles = () =>
  readdirSync(h.blobDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name)

/** Runs `act`, then checks that nothing but the refusal's record was kept and that uploads still work. */
async function keepsNothing(act: () => Promise<void>) {
  const before = await rowCounts(h)
  const files = blobFiles()
  await act()
  stats.refusals++
  await vi.waitFor(() => expect(incomingFiles(h.blobDir)).toEqual([]), { timeout: 5_000 })
  const changed = changedTables(before, await rowCounts(h))
  for (const table of RECORD_TABLES) delete changed[table]
  expect(changed).toEqual({})
  expect(blobFiles()).toEqual(files)
  const added = (await h.auditEntries()).slice(before['public.audit_log'])
  for (const entry of added) expect(entry.body.outcome).toBe('failure')
  const next = await streamUpload(server.url, key, makePackage())
  expect(next.status, next.body).toBe(201)
}

const envelope = (body: string) => (JSON.parse(body) as ErrorBody).error

describe('package uploads that go wrong on the wire', () => {
  it('refuses a declared 2 GiB over the cap with 413 before reading a byte of it', async () => {
    await keepsNothing(async () => {
      const answer = await raw(uploadHead(2 * GiB), new Uint8Array(0), 'wait')
      expect(answer.status).toBe(413)
      expect(envelope(answer.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', requestId: expect.any(String) })
      const refusal = (await h.auditEntries()).findLast((e) => e.body.action === 'tgsp.package_rejected')
      expect(refusal?.body.details).toMatchObject({ reason: 'too_large', bytes: 2 * GiB })
    })
  })

  it('refuses the wrong content type with 415 without storing the body', async () => {
    await keepsNothing(async () => {
      const bytes = makePackage(64 * 1024)
      const answer = await raw(uploadHead(bytes.byteLength, 'application/json'), bytes, 'wait')
      expect(answer.status).toBe(415)
      expect(envelope(answer.body).code).toBe('UNSUPPORTED_MEDIA_TYPE')
    })
  })

  it('refuses a package truncated at any of several points with 422 naming the package', async () => {
    const whole = makePackage(8 * 1024)
    for (const end of [0, 1, 16, 200, Math.floor(whole.byteLength / 2), whole.byteLength - 1])
      await keepsNothing(async () => {
        const answer = await streamUpload(server.url, key, whole.subarray(0, end))
        expect(answer.status, `${end} bytes: ${answer.body}`).toBe(422)
        expect(envelope(answer.body).code).toBe('PACKAGE_REJECTED')
      })
  })

  it('answers a Content-Length smaller than the body with HTTP 400, keeping nothing', async () => {
    // The bytes past the declared end are not HTTP: Node's parser refuses the framing itself; the
    // server answers with the error envelope and closes the connection.
    await keepsNothing(async () => {
      const bytes = makePackage(8 * 1024)
      const answer = await raw(uploadHead(bytes.byteLength - 100), bytes, 'wait')
      expect(answer.status, JSON.stringify(answer)).toBe(400)
      expect(answer.head).toContain('Connection: close')
      expect(envelope(answer.body).code).toBe('BAD_REQUEST')
    })
  })

  it('keeps nothing of a Content-Length larger than the body, whether the client half-closes or resets', async () => {
    for (const finish of ['half-close', 'destroy'] as const)
      await keepsNothing(async () => {
        const bytes = makePackage(8 * 1024)
        const answer = await raw(uploadHead(bytes.byteLength + 4096), bytes, finish)
        // No answer can reach a client that went away; one that only half-closed may get one.
        if (answer.status !== null) expect(answer.status, answer.body).toBeGreaterThanOrEqual(400)
        await vi.waitFor(
          async () => {
            const aborted = (await h.auditEntries()).findLast((e) => e.body.action === 'tgsp.package_upload_aborted')
            expect(aborted?.body.details).toMatchObject({ reason: 'client_aborted' })
          },
          { timeout: 5_000 },
        )
      })
  })

  it('keeps nothing of a chunked upload cut off mid-body', async () => {
    await keepsNothing(async () => {
      const bytes = makePackage(8 * 1024)
      const chunk = bytes.subarray(0, 4096)
      const body = Buffer.concat([Buffer.from(`${chunk.byteLength.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])
      const answer = await raw(uploadHead(null), body, 'destroy')
      expect(answer.status).toBeNull()
    })
  })
})

const evidencePath = async () => {
  const post = async (path: string, body: unknown) => {
    const res = await h.request('POST', path, { ...operator, body })
    expect(res.status, await res.clone().text()).toBe(201)
    return ((await res.json()) as { id: string }).id
  }
  const expertId = await post('/api/v1/fedmoe/experts', { name: `wire-${stats.refusals}`, baseModel: 'pi-0' })
  const versionId = await post(`/api/v1/fedmoe/experts/${expertId}/versions`, { version: '1.0.0' })
  return `/api/v1/fedmoe/experts/${expertId}/versions/${versionId}/evidence`
}

describe('FedMoE evidence bodies that go wrong on the wire', () => {
  const evidenceHead = (path: string, length: number) =>
    `POST ${path} HTTP/1.1\r\nHost: ${host.hostname}:${host.port}\r\nCookie: tg_session=${operator.cookie}\r\n` +
    `X-CSRF-Token: ${operator.csrf}\r\nOrigin: ${server.url}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${length}\r\nConnection: close\r\n\r\n`
  const review = JSON.stringify({ type: 'HUMAN_REVIEW', reviewer: 'qa', verdict: 'approve', notes: 'ok' })

  it('refuses a declared size over the evidence cap with 413 before reading it', async () => {
    const path = await evidencePath()
    await keepsNothing(async () => {
      const answer = await raw(evidenceHead(path, 2 * GiB), new Uint8Array(0), 'wait')
      expect(answer.status).toBe(413)
      expect(envelope(answer.body).code).toBe('PAYLOAD_TOO_LARGE')
    })
  })

  it('keeps nothing of a body shorter than declared, whether the client half-closes or resets', async () => {
    const path = await evidencePath()
    for (const finish of ['half-close', 'destroy'] as const)
      await keepsNothing(async () => {
        const bytes = Buffer.from(review)
        const answer = await raw(evidenceHead(path, bytes.byteLength + 100), bytes.subarray(0, 20), finish)
        if (answer.status !== null) expect(answer.status, answer.body).toBeGreaterThanOrEqual(400)
        expect(answer.status ?? 400).toBeLessThan(500)
      })
    const levels = h.logs.lines.map((l) => (JSON.parse(l) as { level: string; msg: string }).level)
    expect(levels.filter((level) => level === 'error' || level === 'fatal')).toEqual([])
  })
})
