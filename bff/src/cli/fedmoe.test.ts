import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EvidenceBodySchema, evidenceDigest } from '@tg/contracts'
import { createHarness, json } from '../test/harness'
import type { Harness } from '../test/harness'

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..')
const dir = mkdtempSync(join(tmpdir(), 'tg-fedmoe-cli-'))

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

function file(name: string, content: unknown) {
  const path = join(dir, name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2))
  return path
}

const evidence = {
  type: 'EVAL_RESULT',
  benchmark: 'libero',
  split: 'test',
  n_samples: 100,
  metrics: { success_rate: 0.8 },
  traces: [{ input: { task: 'a' }, output: { ok: true }, expected: null, score: 1, latency_ms: 3 }],
}

let h: Harness
let server: Server
let url: string
let secret: string
let target: string[]
let otherTarget: string[]

beforeAll(async () => {
  h = await createHarness()
  server = serve({ fetch: h.app.fetch, hostname: '127.0.0.1', port: 0 }) as Server
  await new Promise<void>((ready) => server.once('listening', ready))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const operator = await h.userSession('otto', ['operator'])
  const family = async (name: string) => {
    const res = await h.request('POST', '/api/v1/fedmoe/experts', { ...operator, body: { name, baseModel: 'pi-0' } })
    const { id } = await json<{ id: string }>(res)
    const version = await h.request('POST', `/api/v1/fedmoe/experts/${id}/versions`, {
      ...operator,
      body: { version: '1.0.0' },
    })
    return [id, (await json<{ id: string }>(version)).id]
  }
  const [expertId, versionId] = await family('cli-family')
  const [otherId, otherVersionId] = await family('cli-other')
  target = ['--expert', expertId!, '--version', versionId!]
  otherTarget = ['--expert', otherId!, '--version', otherVersionId!]
  const key = await h.request('POST', '/api/v1/fedmoe/ingest-keys', {
    ...operator,
    body: { name: 'ci', expertIds: [expertId] },
  })
  secret = (await json<{ secret: string }>(key)).secret
})
afterAll(async () => {
  await new Promise((closed) => server.close(closed))
  await h.close()
})

describe('pnpm tgctl fedmoe evidence push', { timeout: 120_000 }, () => {
  it('posts a file with the key from TG_API_KEY, prints id, digest and replay, and refuses a changed body', async () => {
    const path = file('eval.json', evidence)
    const push = (p: string, extra: string[] = []) =>
      tgctl(['fedmoe', 'evidence', 'push', p, '--url', url, ...target, '--idempotency-key', 'build-7', ...extra], {
        TG_API_KEY: secret,
      })
    const first = await push(path)
    expect(first.stderr).toBe('')
    expect(first.status).toBe(0)
    const digest = evidenceDigest(EvidenceBodySchema.parse(evidence))
    const id = /Ingested evidence ([0-9a-f-]{36}) \(EVAL_RESULT, 1 traces\)/.exec(first.stdout)?.[1]
    expect(id).toBeDefined()
    expect(first.stdout).toContain(`digest:   ${digest}`)
    expect(first.stdout).toContain('replayed: no')

    const again = await push(path)
    expect(again.status).toBe(0)
    expect(again.stdout).toContain(`Replayed evidence ${id}`)
    expect(again.stdout).toContain('replayed: yes')

    const changed = await push(file('changed.json', { ...evidence, n_samples: 101 }))
    expect(changed.status).toBe(1)
    expect(changed.stderr).toContain('refused (409 CONFLICT)')
  })

  it('exits 1 with each invalid field, or for another family; 2 on misuse', async () => {
    const invalid = await tgctl(
      [
        'fedmoe',
        'evidence',
        'push',
        file('bad.json', { ...evidence, colour: 'red', n_samples: 0 }),
        '--url',
        url,
        ...target,
      ],
      { TG_API_KEY: secret },
    )
    expect(invalid.status).toBe(1)
    expect(invalid.stderr).toContain('refused (422 VALIDATION_FAILED)')
    expect(invalid.stderr).toContain('colour: Unknown field "colour".')
    expect(invalid.stderr).toContain('n_samples:')
    const elsewhere = await tgctl(
      ['fedmoe', 'evidence', 'push', file('ok.json', evidence), '--url', url, ...otherTarget],
      {
        TG_API_KEY: secret,
      },
    )
    expect(elsewhere.status).toBe(1)
    expect(elsewhere.stderr).toContain('refused (403 FORBIDDEN)')

    const ok = file('ok2.json', evidence)
    const noKey = await tgctl(['fedmoe', 'evidence', 'push', ok, '--url', url, ...target], {})
    expect(noKey.status).toBe(2)
    expect(noKey.stderr).toContain('TG_API_KEY')
    expect((await tgctl(['fedmoe', 'evidence', 'push', ok, '--url', url], { TG_API_KEY: secret })).status).toBe(2)
    const notJson = await tgctl(['fedmoe', 'evidence', 'push', file('x.json', '{'), '--url', url, ...target], {
      TG_API_KEY: secret,
    })
    expect(notJson.status).toBe(2)
    expect(notJson.stderr).toContain('is not JSON')
    expect(
      (
        await tgctl(['fedmoe', 'evidence', 'push', ok, '--url', url, ...target, '--api-key', 'x'], {
          TG_API_KEY: secret,
        })
      ).status,
    ).toBe(2)
  })
})
