import { request } from 'node:http'
import type { ClientRequest, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { SESSION_COOKIE } from '@tg/contracts'
import { createHarness, json } from './harness'
import type { Caller, ErrorBody, Harness } from './harness'

const EVENTS = '/api/v1/training/events'
let h: Harness
const open: Response[] = []

beforeAll(async () => {
  h = await createHarness({ config: { maxStreamsPerPrincipal: 2 } })
})
afterAll(async () => {
  await Promise.all(open.map((res) => res.body?.cancel()))
  await h.close()
})

/** Opens a stream and waits for its `ready` event, so that it is live on the server. */
async function openStream(caller: Caller): Promise<Response> {
  const res = await h.request('GET', EVENTS, caller)
  if (res.status !== 200) return res
  open.push(res)
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  const { value } = await reader.read()
  expect(new TextDecoder().decode(value)).toContain('event: ready')
  reader.releaseLock()
  return res
}

async function expectRefused(res: Response) {
  expect(res.status).toBe(429)
  expect(res.headers.get('retry-after')).toBe('15')
  const body = await json<ErrorBody>(res)
  expect(body.error.code).toBe('RATE_LIMITED')
  expect(body.error.details).toEqual({ retryAfterSeconds: 15 })
}

describe('live event streams per principal', () => {
  it('are capped: the next is 429 with Retry-After, each principal counted apart, released when one ends', async () => {
    const alice = await h.userSession('alice', ['viewer'])
    const bob = await h.userSession('bob', ['viewer'])
    const key = await h.apiKey(['viewer'], 'dashboard')

    const first = await openStream(alice)
    expect(first.status).toBe(200)
    expect((await openStream(alice)).status).toBe(200)
    await expectRefused(await openStream(alice))
    // Another session of the same user counts against the same user.
    await expectRefused(await openStream(await h.signIn('alice')))
    // Another user, and an API key, hold streams of their own.
    expect((await openStream(bob)).status).toBe(200)
    expect((await openStream({ bearer: key })).status).toBe(200)
    expect((await openStream({ bearer: key })).status).toBe(200)
    await expectRefused(await openStream({ bearer: key }))

    // Closing one gives its place back.
    await first.body?.cancel()
    expect((await openStream(alice)).status).toBe(200)
    await expectRefused(await openStream(alice))
  })

  it('counts the FedMoE stream against the same cap as the training one', async () => {
    const carol = await h.userSession('fedmoe-watcher', ['viewer'])
    expect((await openStream(carol)).status).toBe(200)
    const fedmoe = await h.request('GET', '/api/v1/fedmoe/events', carol)
    expect(fedmoe.status).toBe(200)
    open.push(fedmoe)
    await expectRefused(await h.request('GET', '/api/v1/fedmoe/events', carol))
    await expectRefused(await openStream(carol))
  })
})

/** Opens a stream over a real socket; resolves with its status once the head (and `ready`) arrived. */
function openOverHttp(base: string, cookie: string): Promise<{ status: number; req: ClientRequest }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${EVENTS}`, { headers: { cookie: `${SESSION_COOKIE}=${cookie}` } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume()
        return resolve({ status: res.statusCode ?? 0, req })
      }
      res.once('data', () => resolve({ status: 200, req }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('a stream whose client goes away', () => {
  it('gives its place back when the socket closes', async () => {
    const server = serve({ fetch: h.app.fetch, hostname: '127.0.0.1', port: 0 }) as Server
    await new Promise<void>((resolve) => server.once('listening', resolve))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      const { cookie } = await h.userSession('carol', ['viewer'])
      const streams = [await openOverHttp(base, cookie), await openOverHttp(base, cookie)]
      expect(streams.map((s) => s.status)).toEqual([200, 200])
      expect((await openOverHttp(base, cookie)).status).toBe(429)
      for (const s of streams) s.req.destroy()
      // The server hears of the closed sockets on its own schedule: wait for the places to return.
      await vi.waitFor(
        async () => {
          const again = await openOverHttp(base, cookie)
          streams.push(again)
          expect(again.status).toBe(200)
        },
        { timeout: 20_000, interval: 50 },
      )
      expect((await openOverHttp(base, cookie)).status).toBe(200)
      for (const s of streams) s.req.destroy()
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
