import { spawn } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Webhook } from 'standardwebhooks'
import { afterAll, describe, expect, it } from 'vitest'

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..')
const children: ChildProcessWithoutNullStreams[] = []
afterAll(() => children.forEach((c) => c.kill('SIGKILL')))

function start(env: Record<string, string>) {
  // node with tsx's loader, not the tsx wrapper: the server is this very process, so SIGKILL ends it.
  const child = spawn(process.execPath, ['--import', 'tsx', 'bff/src/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', TG_LOG_LEVEL: 'info', ...env },
  })
  children.push(child)
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((r) => child.on('exit', (code, signal) => r(code ?? (signal ? -1 : null))))
  const waitFor = async (pattern: RegExp, timeoutMs = 90_000) => {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const match = pattern.exec(out)
      if (match) return match
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`timed out waiting for ${pattern}; output:\n${out}`)
  }
  return { child, exited, waitFor, output: () => out }
}

async function until(what: string, check: () => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('webhook deliveries survive a kill -9', { timeout: 180_000 }, () => {
  it('delivers each pending delivery after a restart, once, with its original webhook-id', async () => {
    let secret = ''
    let up = false
    const received: Array<{ id: string; status: number; verified: boolean }> = []
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        let verified = true
        try {
          new Webhook(secret).verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>)
        } catch {
          verified = false
        }
        const status = verified && up ? 200 : 503
        received.push({ id: String(req.headers['webhook-id']), status, verified })
        res.writeHead(status).end()
      })
    })
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r))
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`

    const env = {
      TG_DATA_DIR: mkdtempSync(join(tmpdir(), 'tg-webhook-restart-')),
      TG_EGRESS_ALLOW_HOSTS: '127.0.0.1',
      TG_WEBHOOK_RETRY_BASE_MS: '300',
      TG_WEBHOOK_TIMEOUT_MS: '10000', // a loaded machine must not time out an answered delivery into a retry
      TG_INTEGRATION_POLL_MS: '100',
    }
    const first = start(env)
    const [, url] = (await first.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/)) as unknown as [string, string]
    const [, setupUrl] = (await first.waitFor(/"setupUrl":"([^"]+)"/)) as unknown as [string, string]
    const post = async (path: string, body: unknown, session?: { cookie: string; csrf: string }) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: url,
          ...(session ? { cookie: `tg_session=${session.cookie}`, 'x-csrf-token': session.csrf } : {}),
        },
        body: JSON.stringify(body),
      })
    const setup = await post('/api/v1/auth/setup', {
      token: new URL(setupUrl).hash.replace('#token=', ''),
      username: 'admin',
      displayName: 'Ada Admin',
      password: 'correct horse battery staple',
    })
    expect(setup.status).toBe(201)
    const session = {
      cookie: /tg_session=([^;]+)/.exec(setup.headers.get('set-cookie') ?? '')![1]!,
      csrf: ((await setup.json()) as { csrfToken: string }).csrfToken,
    }
    const created = await post(
      '/api/v1/integrations/webhooks',
      { name: 'restart', url: hookUrl, events: ['webhook.test'] },
      session,
    )
    expect(created.status).toBe(201)
    const made = (await created.json()) as { secret: string; webhook: { id: string } }
    secret = made.secret
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      const res = await post(`/api/v1/integrations/webhooks/${made.webhook.id}/test`, {}, session)
      expect(res.status).toBe(202)
      ids.push(((await res.json()) as { messageId: string }).messageId)
    }
    // Each was tried and refused at least once: pending retries, in the database only.
    await until('a first attempt of each delivery', () => ids.every((id) => received.some((r) => r.id === id)))
    first.child.kill('SIGKILL')
    expect(await first.exited).toBe(-1)
    expect(received.every((r) => r.verified && r.status === 503)).toBe(true)

    up = true
    const second = start(env)
    await second.waitFor(/listening on/)
    await until('every delivery accepted after the restart', () =>
      ids.every((id) => received.some((r) => r.id === id && r.status === 200)),
    )
    await new Promise((r) => setTimeout(r, 1500)) // nothing is sent twice afterwards
    const accepted = received.filter((r) => r.status === 200).map((r) => r.id)
    expect(accepted.sort()).toEqual([...ids].sort())
    expect(received.every((r) => ids.includes(r.id) && r.verified)).toBe(true)

    second.child.kill('SIGTERM')
    expect(await second.exited).toBe(0)
    await new Promise<void>((r) => receiver.close(() => r()))
  })
})
