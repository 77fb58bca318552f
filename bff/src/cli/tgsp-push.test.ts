import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTgspBytes, generateEncryptionKeyPair, generateSigningKeyPair } from '@tg/contracts/formats/tgsp'
import { createHarness, json } from '../test/harness'
import type { Harness } from '../test/harness'

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..')
const dir = mkdtempSync(join(tmpdir(), 'tg-tgsp-push-'))
const signing = generateSigningKeyPair()
const recipient = generateEncryptionKeyPair()

/** Runs tgctl in a child process (asynchronously: the server answers from this one). */
function tgctl(args: string[], env: Record<string, string | undefined>) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
    const child = spawn(join(root, 'node_modules/.bin/tsx'), ['bff/src/cli/tgctl.ts', ...args], {
      cwd: root,
      env: { ...process.env, TG_API_KEY: undefined, ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('close', (status) => done({ status, stdout, stderr }))
  })
}

/** A signed package of about 300 KB written to a file; `damage` flips one bit of its payload. */
function packageFile(name: string, version: string, damage = false): string {
  const bytes = buildTgspBytes({
    files: [{ path: 'adapter/weights.bin', data: new Uint8Array(300 * 1024).fill(version.length) }],
    modelName: 'support-bot',
    modelVersion: version,
    recipients: [recipient.publicKey],
    signingKey: signing.secretKey,
    signingPub: signing.publicKey,
    packageId: '00112233aabbccdd',
    baseModels: ['llama-3-8b'],
  })
  if (damage) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    let at = 6
    for (let section = 0; section < 3; section++) at += 4 + view.getUint32(at)
    at += 8 + 100
    bytes[at] = (bytes[at] ?? 0) ^ 0x01
  }
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return path
}

let h: Harness
let server: Server
let url: string
let publisherKey: string
let viewerKey: string

beforeAll(async () => {
  h = await createHarness()
  server = serve({ fetch: h.app.fetch, hostname: '127.0.0.1', port: 0 }) as Server
  await new Promise<void>((ready) => server.once('listening', ready))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const admin = await h.userSession('root', ['admin'])
  const registered = await h.request('POST', '/api/v1/tgsp/publishers', {
    ...admin,
    body: { name: 'Acme ML', classic: signing.publicKey.classic, pqc: signing.publicKey.pqc },
  })
  expect(registered.status).toBe(201)
  const key = async (name: string, roles: string[]) => {
    const res = await h.request('POST', '/api/v1/admin/api-keys', { ...admin, body: { name, roles } })
    expect(res.status).toBe(201)
    return (await json<{ secret: string }>(res)).secret
  }
  publisherKey = await key('ci-publish', ['publisher'])
  viewerKey = await key('ci-viewer', ['viewer'])
})
afterAll(async () => {
  await new Promise((closed) => server.close(closed))
  await h.close()
})

describe('pnpm tgctl tgsp push', { timeout: 120_000 }, () => {
  it('streams the file with progress on stderr, prints each check and exits 0 when verified', async () => {
    const file = packageFile('good.tgsp', '1.0.0')
    const run = await tgctl(['tgsp', 'push', file, '--url', url], { TG_API_KEY: publisherKey })
    expect(run.stderr).toMatch(/Uploading .*good\.tgsp: 0% \(0 of \d+ bytes\)/)
    const total = /of (\d+) bytes/.exec(run.stderr)?.[1]
    expect(run.stderr).toContain(`100% (${total} of ${total} bytes)`)
    expect(run.stderr.split('\n').filter((line) => line.startsWith('Uploading')).length).toBeGreaterThan(2)
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('VERIFIED support-bot 1.0.0 (package 00112233aabbccdd)')
    for (const check of ['structure', 'hashes', 'signatures', 'signer', 'identity'])
      expect(run.stdout).toMatch(new RegExp(`^  ${check} +ok$`, 'm'))
    const id = /^ {2}id +([0-9a-f-]{36})$/m.exec(run.stdout)?.[1]
    expect(run.stdout).toContain(`${url}/marketplace/packages/${id}`)
    const stored = await h.request('GET', `/api/v1/tgsp/packages/${id}`, { bearer: publisherKey })
    expect(stored.status).toBe(200)
    expect(run.stdout + run.stderr).not.toContain(publisherKey)
  })

  it('exits 1 for the same bytes again, a damaged copy (hash check alone) and a key without the role', async () => {
    const again = await tgctl(['tgsp', 'push', join(dir, 'good.tgsp'), '--url', url], { TG_API_KEY: publisherKey })
    expect(again.status).toBe(1)
    expect(again.stderr).toContain('refused (409 CONFLICT)')
    expect(again.stderr).toMatch(new RegExp(`existing package ${url}/marketplace/packages/[0-9a-f-]{36}`))

    const damaged = packageFile('damaged.tgsp', '1.0.0', true)
    const rejected = await tgctl(['tgsp', 'push', damaged, '--url', url], { TG_API_KEY: publisherKey })
    expect(rejected.status).toBe(1)
    expect(rejected.stdout).toContain('REJECTED')
    expect(rejected.stdout).toMatch(/^ {2}hashes +FAILED: The payload hash does not match/m)
    expect(rejected.stdout).toMatch(/^ {2}signatures +ok$/m)
    expect(rejected.stdout).toMatch(/^ {2}identity +not run: the hash check failed/m)
    expect(rejected.stderr).toContain('refused (422 PACKAGE_REJECTED)')

    const viewer = await tgctl(['tgsp', 'push', packageFile('v.tgsp', '2.0.0'), '--url', url], {
      TG_API_KEY: viewerKey,
    })
    expect(viewer.status).toBe(1)
    expect(viewer.stderr).toContain('refused (403 FORBIDDEN)')
  })

  it('exits 2 on misuse or I/O: no TG_API_KEY, no --url, an unreadable file, a server that is not there', async () => {
    const file = join(dir, 'good.tgsp')
    const noKey = await tgctl(['tgsp', 'push', file, '--url', url], {})
    expect(noKey.status).toBe(2)
    expect(noKey.stderr).toContain('TG_API_KEY')
    const noUrl = await tgctl(['tgsp', 'push', file], { TG_API_KEY: publisherKey })
    expect(noUrl.status).toBe(2)
    expect(noUrl.stderr).toContain('--url URL is required')
    const missing = await tgctl(['tgsp', 'push', join(dir, 'nope.tgsp'), '--url', url], { TG_API_KEY: publisherKey })
    expect(missing.status).toBe(2)
    expect(missing.stderr).toContain('cannot read')
    const flag = await tgctl(['tgsp', 'push', file, '--url', url, '--api-key', publisherKey], {})
    expect(flag.status).toBe(2)
    const closed = serve({ fetch: h.app.fetch, hostname: '127.0.0.1', port: 0 }) as Server
    await new Promise<void>((ready) => closed.once('listening', ready))
    const gone = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`
    await new Promise((done) => closed.close(done))
    const unreachable = await tgctl(['tgsp', 'push', file, '--url', gone], { TG_API_KEY: publisherKey })
    expect(unreachable.status).toBe(2)
    expect(unreachable.stderr).toContain('cannot reach')
  })
})
