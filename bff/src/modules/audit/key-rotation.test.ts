import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditKeyRotations, AuditKeys } from '@tg/contracts'
import { keysVouchedByRotations, parseVerifierKey, verifyRotationStatement } from '@tg/contracts/formats/audit'
import { createHarness, json } from '../../test/harness'
import type { Harness } from '../../test/harness'

let h: Harness
let admin: { cookie: string; csrf: string }
let auditor: { cookie: string; csrf: string }
let viewer: { cookie: string; csrf: string }

const keysNow = async () => json<AuditKeys>(await h.request('GET', '/api/v1/audit/keys', auditor))
const active = (keys: AuditKeys) => keys.keys.filter((k) => k.status === 'active').map((k) => k.verifierKey)
const rotations = async () => json<AuditKeyRotations>(await h.request('GET', '/api/v1/audit/keys/rotations', auditor))

beforeAll(async () => {
  h = await createHarness()
  admin = await h.userSession('root', ['admin'])
  auditor = await h.userSession('aud', ['auditor'])
  viewer = await h.userSession('vic', ['viewer'])
})
afterAll(() => h.close())

describe('GET /api/v1/audit/keys/rotations', () => {
  it('is empty before any rotation, and 403 for a viewer', async () => {
    expect((await rotations()).items).toEqual([])
    expect((await h.request('GET', '/api/v1/audit/keys/rotations', viewer)).status).toBe(403)
  })

  it('publishes each rotation as a statement signed by both outgoing keys, naming the new keys', async () => {
    const before = await keysNow()
    const oldKeys = active(before)
    expect((await h.request('POST', '/api/v1/audit/keys/rotate', admin)).status).toBe(201)
    const after = await keysNow()
    const newKeys = active(after)
    expect(newKeys).toHaveLength(2)
    expect(newKeys.some((k) => oldKeys.includes(k))).toBe(false)

    const { items } = await rotations()
    expect(items).toHaveLength(1)
    const [rotation] = items
    const result = await verifyRotationStatement(rotation!.statement, oldKeys.map(parseVerifierKey), before.origin)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect([...result.rotation.added].sort()).toEqual([...newKeys].sort())
    expect([...result.rotation.retired].sort()).toEqual([...oldKeys].sort())
    // The new keys cannot vouch for themselves.
    const selfVouched = await verifyRotationStatement(rotation!.statement, newKeys.map(parseVerifierKey), before.origin)
    expect(selfVouched).toMatchObject({ ok: false, check: 'untrusted' })

    // The statement is in the audit entry of the rotation (the tamper-evident log).
    const entry = await json<{ entry: { canonical: string } }>(
      await h.request('GET', `/api/v1/audit/entries/${rotation!.seq}`, auditor),
    )
    const body = JSON.parse(entry.entry.canonical) as { action: string; details: { statement: string } }
    expect(body.action).toBe('audit.keys_rotated')
    expect(body.details.statement).toBe(rotation!.statement)
  })

  it('chains rotations: the first keys vouch for the keys of every later rotation', async () => {
    const first = (await keysNow()).keys.filter((k) => k.status === 'retired').map((k) => k.verifierKey)
    expect((await h.request('POST', '/api/v1/audit/keys/rotate', admin)).status).toBe(201)
    const keys = await keysNow()
    const { items } = await rotations()
    expect(items.map((i) => i.seq)).toEqual([...items.map((i) => i.seq)].sort((a, b) => a - b))
    expect(items).toHaveLength(2)
    const vouched = await keysVouchedByRotations(
      first.slice(-2).map(parseVerifierKey),
      items.map((i) => i.statement).reverse(),
      keys.origin,
    )
    expect(vouched.map((v) => v.verifierKey)).toEqual(expect.arrayContaining(active(keys)))
    expect(vouched).toHaveLength(4)
  })
})
