import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { TEST_PASSWORD, json } from '../../test/harness'
import type { ErrorBody, Harness } from '../../test/harness'
import type * as passwords from '../../lib/password'
import { forEachDatabase, openForBlock, type Open } from '../../test/databases'

// Every scrypt verification the sign-in path makes, counted by wrapping the real verifier.
const verifier = vi.hoisted(() => ({ calls: 0 }))
vi.mock('../../lib/password', async (importOriginal) => {
  const real = await importOriginal<typeof passwords>()
  return {
    ...real,
    verifyPassword: (password: string, stored: string) => {
      verifier.calls++
      return real.verifyPassword(password, stored)
    },
  }
})

const from = (address: string) => ({ 'x-forwarded-for': address })
// The waits of slowed sign-ins, observed instead of slept.
const pauses: number[] = []
const recordPause = async (ms: number) => {
  pauses.push(ms)
}
type Details = { reason?: string; phase?: string; scope?: string; refused?: number; username?: string }

function suite(name: string, open: Open) {
  describe(`sign-in throttling on ${name}`, () => {
    let h: Harness
    const signIn = (username: string, password: string, address: string) =>
      h.request('POST', '/api/v1/auth/sign-in', { body: { username, password }, headers: from(address) })
    const entriesFrom = async (address: string) =>
      (await h.auditEntries())
        .filter((e) => e.body.clientIp === address)
        .map((e) => ({ action: e.body.action, outcome: e.body.outcome, details: e.body.details as Details }))

    const block = openForBlock(`sign-in throttling on ${name}`, open, async (opened) => {
      ;({ h } = opened)
      for (const name of ['alice', 'mallory', 'victim']) await h.createUser(name, ['viewer'])
      for (const name of ['boss', 'root']) await h.createUser(name, ['admin'])
    })
    // The clock stands still (only tests move it), so that no block ends while a test looks at it.
    beforeAll(() => {
      vi.useFakeTimers({ toFake: ['Date'] })
      vi.setSystemTime(new Date())
    })
    afterAll(() => {
      vi.useRealTimers()
    })

    it('checks at most the allowed number of passwords in a parallel burst', async (t) => {
      if (block.skipped) return t.skip()
      verifier.calls = 0
      const burst = await Promise.all(
        Array.from({ length: 30 }, (_, i) => signIn('alice', `wrong password ${i}`, '198.51.100.1')),
      )
      expect(verifier.calls).toBe(5)
      const statuses = burst.map((r) => r.status).sort()
      expect(statuses.filter((s) => s === 401)).toHaveLength(5)
      expect(statuses.filter((s) => s === 429)).toHaveLength(25)
      const throttled = burst.find((r) => r.status === 429) as Response
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      expect((await json<ErrorBody>(throttled)).error.code).toBe('RATE_LIMITED')
      // Even the right password waits at that address, without being checked...
      const right = await signIn('alice', TEST_PASSWORD, '198.51.100.1')
      expect(right.status).toBe(429)
      expect(verifier.calls).toBe(5)
      // ...but the account is not locked for everyone: another address signs in.
      expect((await signIn('alice', TEST_PASSWORD, '198.51.100.2')).status).toBe(200)
    })

    it('audits a block in bounded form: one entry when it starts, one summary with the count', async (t) => {
      if (block.skipped) return t.skip()
      for (let i = 0; i < 5; i++) expect((await signIn('mallory', `guess ${i}`, '198.51.100.3')).status).toBe(401)
      for (let i = 0; i < 200; i++) expect((await signIn('mallory', `guess x${i}`, '198.51.100.3')).status).toBe(429)
      let entries = await entriesFrom('198.51.100.3')
      expect(entries.filter((e) => e.details.reason === 'wrong_password')).toHaveLength(5)
      expect(entries.filter((e) => e.details.reason === 'throttled')).toEqual([
        expect.objectContaining({
          outcome: 'denied',
          details: expect.objectContaining({ phase: 'started', refused: 1 }),
        }),
      ])
      // The block ends; the sweep writes its summary with the count of refused attempts.
      vi.setSystemTime(new Date(Date.now() + 31_000))
      expect(await h.services.auth.sweepThrottle()).toBeGreaterThanOrEqual(1)
      entries = await entriesFrom('198.51.100.3')
      const throttled = entries.filter((e) => e.details.reason === 'throttled')
      expect(throttled).toHaveLength(1)
      const all = await h.auditEntries()
      const summary = all.filter((e) => {
        const d = e.body.details as Details & { address?: string }
        return d.phase === 'ended' && d.address === '198.51.100.3'
      })
      expect(summary.map((e) => e.body.details)).toEqual([
        expect.objectContaining({ scope: 'pair', username: 'mallory', address: '198.51.100.3', refused: 200 }),
      ])
      expect(entries.length + summary.length).toBeLessThanOrEqual(7)
    }, 120_000)

    it('bounds the noise of unknown usernames from one address', async (t) => {
      if (block.skipped) return t.skip()
      const before = (await entriesFrom('198.51.100.4')).length
      for (let i = 0; i < 200; i++) {
        const res = await signIn(`nobody-${i}`, 'some password', '198.51.100.4')
        expect([401, 429]).toContain(res.status)
      }
      const entries = (await entriesFrom('198.51.100.4')).slice(before)
      expect(entries.filter((e) => e.details.reason === 'unknown_user')).toHaveLength(20)
      expect(entries.filter((e) => e.details.reason === 'throttled')).toHaveLength(1)
      expect(entries).toHaveLength(21)
    }, 120_000)

    it('keeps the account open to its owner while one address guesses, admin included', async (t) => {
      if (block.skipped) return t.skip()
      for (let i = 0; i < 6; i++) await signIn('root', `guess ${i}`, '203.0.113.66')
      expect((await signIn('root', TEST_PASSWORD, '203.0.113.66')).status).toBe(429)
      expect((await signIn('root', TEST_PASSWORD, '192.0.2.10')).status).toBe(200)
    })

    it('slows an account guessed from many addresses, boundedly, and never locks its owner out', async (t) => {
      if (block.skipped) return t.skip()
      pauses.length = 0
      for (let i = 0; i < 15; i++) expect((await signIn('victim', 'distributed guess', `10.1.0.${i}`)).status).toBe(401)
      // Ten free failures, then 250 ms doubling to the most, 4 s.
      expect(pauses).toEqual([250, 500, 1000, 2000, 4000])
      const failures = (await h.auditEntries()).filter(
        (e) => e.body.action === 'auth.sign_in' && (e.body.details as Details).username === 'victim',
      )
      expect(failures.map((e) => (e.body.details as { delayedMs?: number }).delayedMs)).toEqual([
        ...Array<undefined>(10).fill(undefined),
        250,
        500,
        1000,
        2000,
        4000,
      ])
      // The owner, from a clean address, waits the most and signs in: no 429.
      const owner = await signIn('victim', TEST_PASSWORD, '192.0.2.20')
      expect(owner.status).toBe(200)
      expect(pauses.at(-1)).toBe(4000)
      // Even from an address that guessed once: only the (account, address) pair blocks, after 5.
      expect((await signIn('victim', TEST_PASSWORD, '10.1.0.3')).status).toBe(200)
    }, 180_000)

    it('lets an admin unlock an account, audited', async (t) => {
      if (block.skipped) return t.skip()
      for (let i = 0; i < 5; i++) expect((await signIn('victim', `guess ${i}`, '192.0.2.30')).status).toBe(401)
      expect((await signIn('victim', TEST_PASSWORD, '192.0.2.30')).status).toBe(429)
      const admin = await h.signIn('boss')
      const users = await json<{ items: Array<{ id: string; username: string; signInBlockedUntil: string | null }> }>(
        await h.request('GET', '/api/v1/admin/users?q=victim', admin),
      )
      const victim = users.items[0]
      expect(victim?.signInBlockedUntil).not.toBeNull()
      // Only the blocked account shows a block, not every user of the list.
      const everyone = await json<{ items: Array<{ username: string; signInBlockedUntil: string | null }> }>(
        await h.request('GET', '/api/v1/admin/users?limit=100', admin),
      )
      const shown = new Map(everyone.items.map((u) => [u.username, u.signInBlockedUntil]))
      expect(shown.get('victim')).not.toBeNull()
      expect(shown.get('boss')).toBeNull()
      const res = await h.request('POST', `/api/v1/admin/users/${victim?.id}/unlock-sign-in`, admin)
      expect(res.status).toBe(200)
      const body = await json<{ user: { signInBlockedUntil: string | null }; clearedBlocks: number }>(res)
      expect(body.user.signInBlockedUntil).toBeNull()
      expect(body.clearedBlocks).toBeGreaterThanOrEqual(1)
      expect((await signIn('victim', TEST_PASSWORD, '192.0.2.30')).status).toBe(200)
      const entry = (await h.auditEntries()).find((e) => e.body.action === 'admin.sign_in_unlocked')
      expect(entry?.body).toMatchObject({ actor: { name: 'boss' }, resource: { id: victim?.id }, outcome: 'success' })
    })
  })
}

forEachDatabase(suite, { config: { trustProxy: true }, signInPause: recordPause })
