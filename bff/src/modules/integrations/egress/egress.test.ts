import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { WebSocketServer } from 'ws'
import { EgressError, checkTarget, egressFetch, openEgressWebSocket, parseAllowHosts, refusedRange } from './index'
import type { EgressPolicy, Lookup } from './index'

const HTTP = ['http:', 'https:']

function policy(allow = '', maxBytes = 1024 * 1024): EgressPolicy {
  return { allowHosts: parseAllowHosts(allow), maxBytes }
}

/** A lookup that must never be asked (the guard decides from the literal). */
function noLookup() {
  return vi.fn<Lookup>(async () => {
    throw new Error('lookup must not be called')
  })
}

async function refusal(p: Promise<unknown>): Promise<EgressError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(EgressError)
  return err as EgressError
}

describe('address classes', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private (CGNAT)'],
    ['169.254.1.1', 'link-local'],
    ['169.254.169.254', 'cloud metadata'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback (IPv4-mapped of 127.0.0.1)'],
    ['::ffff:7f00:1', 'loopback (IPv4-mapped of 127.0.0.1)'],
    ['::ffff:10.0.0.1', 'private (IPv4-mapped of 10.0.0.1)'],
    ['::ffff:169.254.169.254', 'cloud metadata (IPv4-mapped of 169.254.169.254)'],
    ['::127.0.0.1', 'loopback (IPv4-compatible of 127.0.0.1)'],
    ['::ffff:0:7f00:1', 'loopback (IPv4-translated of 127.0.0.1)'],
    ['64:ff9b::7f00:1', 'loopback (NAT64 of 127.0.0.1)'],
    ['64:ff9b::a9fe:a9fe', 'cloud metadata (NAT64 of 169.254.169.254)'],
    ['64:ff9b:1::c0a8:101', 'private (local NAT64 of 192.168.1.1)'],
    ['2002:7f00:1::1', 'loopback (6to4 of 127.0.0.1)'],
    ['2001::1', 'tunnelled (Teredo)'],
  ])('refuses %s as %s', (address, range) => {
    expect(refusedRange(address)).toBe(range)
  })

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('lets the public address %s through', (address) => {
    expect(refusedRange(address)).toBeNull()
  })
})

describe('checkTarget: the decision before connecting', () => {
  it.each([
    'http://127.0.0.1/',
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://0x7f.0.0.1/',
    'http://0x7f000001/',
    'http://017700000001/',
    'http://127.1/',
    'http://[::1]/',
    'http://[0:0:0:0:0:0:0:1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[64:ff9b::127.0.0.1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00:ec2::254]/',
    'http://10.0.0.1:8080/',
    'http://0/',
  ])('refuses %s from its literal, without resolving anything', async (url) => {
    const lookup = noLookup()
    const err = await refusal(checkTarget(url, policy(), lookup, HTTP))
    expect(err.reason).toBe('refused_by_guard')
    expect(err.message).toMatch(/^the address .+ is .+; an admin can allow this host with TG_EGRESS_ALLOW_HOSTS$/)
    expect(lookup).not.toHaveBeenCalled()
  })

  it.each(['http://localhost/', 'http://LOCALHOST./', 'http://api.localhost/', 'http://metadata.google.internal/'])(
    'refuses the name %s by itself',
    async (url) => {
      const lookup = noLookup()
      const err = await refusal(checkTarget(url, policy(), lookup, HTTP))
      expect(err.reason).toBe('refused_by_guard')
      expect(lookup).not.toHaveBeenCalled()
    },
  )

  it('refuses a name that resolves to a private address, or to one private address among public ones', async () => {
    const lookup = vi.fn<Lookup>(async (name) =>
      name === 'internal.example'
        ? [{ address: '10.0.0.5', family: 4 }]
        : [
            { address: '93.184.215.14', family: 4 },
            { address: '::ffff:127.0.0.1', family: 6 },
          ],
    )
    const a = await refusal(checkTarget('https://internal.example/x', policy(), lookup, HTTP))
    expect(a.message).toBe(
      'the address 10.0.0.5 (internal.example) is private; an admin can allow this host with TG_EGRESS_ALLOW_HOSTS',
    )
    const b = await refusal(checkTarget('https://mixed.example/', policy(), lookup, HTTP))
    expect(b.refused).toEqual({ target: '::ffff:127.0.0.1', range: 'loopback (IPv4-mapped of 127.0.0.1)' })
  })

  it('returns the first resolved public address for the connection to use', async () => {
    const lookup = vi.fn<Lookup>(async () => [{ address: '93.184.215.14', family: 4 }])
    const t = await checkTarget('https://Example.COM./path', policy(), lookup, HTTP)
    expect(t).toMatchObject({ host: 'example.com', port: 443, address: '93.184.215.14', family: 4, allowListed: false })
    expect(lookup).toHaveBeenCalledExactlyOnceWith('example.com')
  })

  it('refuses other schemes and URLs carrying credentials', async () => {
    expect((await refusal(checkTarget('file:///etc/passwd', policy(), noLookup(), HTTP))).reason).toBe(
      'refused_by_guard',
    )
    expect((await refusal(checkTarget('gopher://x.example/', policy(), noLookup(), HTTP))).reason).toBe(
      'refused_by_guard',
    )
    expect((await refusal(checkTarget('http://u:p@x.example/', policy(), noLookup(), HTTP))).message).toMatch(
      /credentials/,
    )
  })

  it('lets a listed host through on its port only; a bare host on any port', async () => {
    const p = policy('127.0.0.1:4000, [::1], svc.internal')
    expect((await checkTarget('http://127.0.0.1:4000/', p, noLookup(), HTTP)).allowListed).toBe(true)
    expect((await checkTarget('http://2130706433:4000/', p, noLookup(), HTTP)).allowListed).toBe(true)
    await refusal(checkTarget('http://127.0.0.1:4001/', p, noLookup(), HTTP))
    expect((await checkTarget('http://[::1]:9/', p, noLookup(), HTTP)).allowListed).toBe(true)
    const lookup = vi.fn<Lookup>(async () => [{ address: '10.9.9.9', family: 4 }])
    expect(await checkTarget('http://SVC.internal:81/', p, lookup, HTTP)).toMatchObject({
      address: '10.9.9.9',
      allowListed: true,
    })
  })

  it('refuses an allow list entry it cannot read', () => {
    expect(() => parseAllowHosts('http://x.example/')).toThrow(/TG_EGRESS_ALLOW_HOSTS/)
  })
})

type Counted = { server: Server; port: number; connections: () => number; close: () => Promise<void> }

async function listen(handler: Parameters<typeof createServer>[1]): Promise<Counted> {
  const server = createServer(handler)
  let connections = 0
  server.on('connection', () => connections++)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    server,
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}

describe('egressFetch', () => {
  let target: Counted
  let other: Counted
  let freePort: number
  beforeAll(async () => {
    other = await listen((_req, res) => res.end('other'))
    target = await listen((req, res) => {
      const url = new URL(req.url!, 'http://x')
      if (url.pathname === '/ok') return res.end(JSON.stringify({ auth: req.headers.authorization ?? null }))
      if (url.pathname === '/to-other') {
        res.writeHead(302, { location: `http://127.0.0.1:${other.port}/` })
        return res.end()
      }
      if (url.pathname === '/to-metadata') {
        res.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' })
        return res.end()
      }
      if (url.pathname === '/to-mapped') {
        res.writeHead(307, { location: `http://[::ffff:127.0.0.1]:${other.port}/` })
        return res.end()
      }
      if (url.pathname === '/hop') {
        const n = Number(url.searchParams.get('n'))
        res.writeHead(302, { location: n > 0 ? `/hop?n=${n - 1}` : '/ok' })
        return res.end()
      }
      if (url.pathname === '/big') return res.end('x'.repeat(2048))
      if (url.pathname === '/big-chunked') {
        res.write('x'.repeat(700))
        return setTimeout(() => res.end('x'.repeat(700)), 10)
      }
      if (url.pathname === '/slow') return // never answers
      res.statusCode = 404
      res.end()
    })
    const probe = await listen(() => {})
    freePort = probe.port
    await probe.close()
  })
  afterAll(async () => {
    await target.close()
    await other.close()
  })

  const allowTarget = () => policy(`127.0.0.1:${target.port}`, 1024)

  it.each([
    (p: number) => `http://127.0.0.1:${p}/ok`,
    (p: number) => `http://2130706433:${p}/ok`,
    (p: number) => `http://0177.0.0.1:${p}/ok`,
    (p: number) => `http://[::ffff:127.0.0.1]:${p}/ok`,
    (p: number) => `http://localhost:${p}/ok`,
    (p: number) => `http://rebind.example:${p}/ok`,
  ])('refuses a real local server that is not listed, and opens no socket to it (%#)', async (make) => {
    const onConnect = vi.fn()
    const lookup = vi.fn<Lookup>(async () => [{ address: '127.0.0.1', family: 4 }])
    const before = other.connections()
    const err = await refusal(
      egressFetch(make(other.port), { timeoutMs: 2000 }, { policy: policy(), lookup, onConnect }),
    )
    expect(err.reason).toBe('refused_by_guard')
    expect(onConnect).not.toHaveBeenCalled()
    expect(other.connections()).toBe(before)
  })

  it('names the guard, not the network, for a port where nothing listens', async () => {
    const refused = await refusal(
      egressFetch(`http://127.0.0.1:${freePort}/`, { timeoutMs: 2000 }, { policy: policy() }),
    )
    expect(refused.reason).toBe('refused_by_guard')
    const listed = await refusal(
      egressFetch(`http://127.0.0.1:${freePort}/`, { timeoutMs: 2000 }, { policy: policy(`127.0.0.1:${freePort}`) }),
    )
    expect(listed.reason).toBe('unreachable')
    expect(listed.message).toMatch(/ECONNREFUSED/)
  })

  it('reaches a listed server, connecting to the address it resolved once', async () => {
    const onConnect = vi.fn()
    const lookup = vi.fn<Lookup>(async () => [{ address: '127.0.0.1', family: 4 }])
    const res = await egressFetch(
      `http://hub.test:${target.port}/ok`,
      { timeoutMs: 2000, headers: { authorization: 'Bearer abc' } },
      { policy: policy(`hub.test:${target.port}`), lookup, onConnect },
    )
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body.toString())).toEqual({ auth: 'Bearer abc' })
    expect(lookup).toHaveBeenCalledTimes(1)
    expect(onConnect).toHaveBeenCalledTimes(1)
    expect(onConnect.mock.calls[0]![0]).toMatchObject({ address: '127.0.0.1', host: 'hub.test' })
  })

  it.each(['/to-other', '/to-metadata', '/to-mapped'])(
    'checks a redirect again and refuses %s before connecting to it',
    async (path) => {
      const before = other.connections()
      const onConnect = vi.fn()
      const err = await refusal(
        egressFetch(
          `http://127.0.0.1:${target.port}${path}`,
          { timeoutMs: 2000 },
          { policy: allowTarget(), onConnect },
        ),
      )
      expect(err.reason).toBe('refused_by_guard')
      expect(onConnect).toHaveBeenCalledTimes(1) // the listed server only
      expect(other.connections()).toBe(before)
    },
  )

  it('follows up to five redirects and refuses a sixth', async () => {
    const ok = await egressFetch(
      `http://127.0.0.1:${target.port}/hop?n=4`,
      { timeoutMs: 3000 },
      { policy: allowTarget() },
    )
    expect(ok).toMatchObject({ status: 200, redirects: 5 })
    const err = await refusal(
      egressFetch(`http://127.0.0.1:${target.port}/hop?n=5`, { timeoutMs: 3000 }, { policy: allowTarget() }),
    )
    expect(err).toMatchObject({ reason: 'bad_response', message: `more than 5 redirects from 127.0.0.1` })
  })

  it('returns the redirect itself when redirects are off', async () => {
    const res = await egressFetch(
      `http://127.0.0.1:${target.port}/to-other`,
      { timeoutMs: 2000, maxRedirects: 0 },
      { policy: allowTarget() },
    )
    expect(res.status).toBe(302)
  })

  it('drops the Authorization header when a redirect leaves the origin', async () => {
    const both = policy(`127.0.0.1`, 1024)
    const seen: (string | undefined)[] = []
    const echo = await listen((req, res) => {
      seen.push(req.headers.authorization)
      res.end('ok')
    })
    const hop = await listen((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${echo.port}/` })
      res.end()
    })
    await egressFetch(
      `http://127.0.0.1:${hop.port}/`,
      { timeoutMs: 2000, headers: { Authorization: 'Bearer secret-token' } },
      { policy: both },
    )
    expect(seen).toEqual([undefined])
    await hop.close()
    await echo.close()
  })

  it('caps the answer at the policy size, declared or streamed', async () => {
    const a = await refusal(
      egressFetch(`http://127.0.0.1:${target.port}/big`, { timeoutMs: 2000 }, { policy: allowTarget() }),
    )
    expect(a).toMatchObject({ reason: 'bad_response', message: 'the answer from 127.0.0.1 is larger than 1024 bytes' })
    const b = await refusal(
      egressFetch(`http://127.0.0.1:${target.port}/big-chunked`, { timeoutMs: 2000 }, { policy: allowTarget() }),
    )
    expect(b.reason).toBe('bad_response')
  })

  it('reaches a listed IPv6 loopback server, and refuses it unlisted', async (t) => {
    const v6 = createServer((_req, res) => res.end('v6'))
    const listening = await new Promise<boolean>((r) => {
      v6.once('error', () => r(false))
      v6.listen(0, '::1', () => r(true))
    })
    if (!listening) return t.skip()
    const port = (v6.address() as AddressInfo).port
    const res = await egressFetch(`http://[::1]:${port}/`, { timeoutMs: 2000 }, { policy: policy('[::1]') })
    expect(res.body.toString()).toBe('v6')
    const err = await refusal(egressFetch(`http://[::1]:${port}/`, { timeoutMs: 2000 }, { policy: policy() }))
    expect(err.message).toBe('the address ::1 is loopback; an admin can allow this host with TG_EGRESS_ALLOW_HOSTS')
    await new Promise<void>((r) => v6.close(() => r()))
  })

  it('gives up at the time cap', async () => {
    const started = Date.now()
    const err = await refusal(
      egressFetch(`http://127.0.0.1:${target.port}/slow`, { timeoutMs: 300 }, { policy: allowTarget() }),
    )
    expect(err.reason).toBe('timeout')
    expect(Date.now() - started).toBeLessThan(2000)
  })
})

describe('openEgressWebSocket', () => {
  let wss: WebSocketServer
  let port: number
  let connections = 0
  let plain: Counted
  beforeAll(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
    await new Promise<void>((r) => wss.on('listening', () => r()))
    wss.on('connection', (ws) => {
      connections++
      ws.on('message', (m) => ws.send(m.toString()))
    })
    port = (wss.address() as AddressInfo).port
    plain = await listen((_req, res) => res.end('not a websocket'))
  })
  afterAll(async () => {
    await new Promise<void>((r) => wss.close(() => r()))
    await plain.close()
  })

  it('opens a listed websocket through the pinned address', async () => {
    const lookup = vi.fn<Lookup>(async () => [{ address: '127.0.0.1', family: 4 }])
    const ws = await openEgressWebSocket(`ws://bridge.test:${port}/`, 2000, {
      policy: policy(`bridge.test:${port}`),
      lookup,
    })
    const echoed = new Promise<string>((r) => ws.once('message', (m) => r(m.toString())))
    ws.send('hello')
    expect(await echoed).toBe('hello')
    ws.close()
    expect(lookup).toHaveBeenCalledTimes(1)
  })

  it.each([
    (p: number) => `ws://127.0.0.1:${p}/`,
    (p: number) => `ws://2130706433:${p}/`,
    (p: number) => `ws://bridge.test:${p}/`,
  ])('refuses an unlisted local websocket before connecting (%#)', async (make) => {
    const before = connections
    const onConnect = vi.fn()
    const lookup = vi.fn<Lookup>(async () => [{ address: '127.0.0.1', family: 4 }])
    const err = await refusal(openEgressWebSocket(make(port), 2000, { policy: policy(), lookup, onConnect }))
    expect(err.reason).toBe('refused_by_guard')
    expect(onConnect).not.toHaveBeenCalled()
    await new Promise((r) => setTimeout(r, 50))
    expect(connections).toBe(before)
  })

  it('refuses http URLs and reports a server that does not upgrade', async () => {
    expect(
      (await refusal(openEgressWebSocket(`http://127.0.0.1:${port}/`, 2000, { policy: policy('127.0.0.1') }))).reason,
    ).toBe('refused_by_guard')
    const err = await refusal(
      openEgressWebSocket(`ws://127.0.0.1:${plain.port}/`, 2000, { policy: policy('127.0.0.1') }),
    )
    expect(err).toMatchObject({ reason: 'bad_response' })
  })
})
