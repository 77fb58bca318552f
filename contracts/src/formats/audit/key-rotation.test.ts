import { beforeAll, describe, expect, it } from 'vitest'
import {
  AUDIT_KEY_ROTATION_FORMAT,
  formatRotationBody,
  keysVouchedByRotations,
  parseRotationBody,
  verifyRotationStatement,
} from './key-rotation'
import type { KeyRotation } from './key-rotation'
import { formatVerifierKey, signNoteBody } from './note'
import { breakSigner, makeEd25519Signer, makeMlDsa65Signer } from './test-fixtures'
import type { TestSigner } from './test-fixtures'

const ORIGIN = 'audit.example/log'
let old: TestSigner[]
let next: TestSigner[]
let third: TestSigner[]
let honest: string

const pair = () => [makeEd25519Signer(ORIGIN), makeMlDsa65Signer(ORIGIN)]
const vk = (signers: TestSigner[]) => signers.map((s) => formatVerifierKey(s.key))
const rotationOf = (from: TestSigner[], to: TestSigner[]): KeyRotation => ({
  origin: ORIGIN,
  rotatedAt: '2026-12-07T05:00:00.000Z',
  retired: vk(from),
  added: vk(to),
})
const statement = (from: TestSigner[], to: TestSigner[], signers = from) =>
  signNoteBody(formatRotationBody(rotationOf(from, to)), signers)

beforeAll(async () => {
  old = pair()
  next = pair()
  third = pair()
  honest = await statement(old, next)
})

describe('key rotation statements', () => {
  it('round-trips the body and verifies with the outgoing keys', async () => {
    const body = formatRotationBody(rotationOf(old, next))
    expect(body.startsWith(`${AUDIT_KEY_ROTATION_FORMAT}\norigin ${ORIGIN}\n`)).toBe(true)
    expect(parseRotationBody(body)).toEqual(rotationOf(old, next))
    const result = await verifyRotationStatement(
      honest,
      old.map((s) => s.key),
      ORIGIN,
    )
    expect(result).toEqual({ ok: true, rotation: rotationOf(old, next) })
  })

  it('refuses a statement not signed by both trusted outgoing keys', async () => {
    const keys = old.map((s) => s.key)
    const edOnly = await statement(old, next, [old[0]!])
    expect(await verifyRotationStatement(edOnly, keys, ORIGIN)).toMatchObject({
      ok: false,
      check: 'signature-ml-dsa-65',
    })
    // Signed by the incoming keys themselves: they vouch for nothing.
    const selfSigned = await statement(old, next, next)
    expect(await verifyRotationStatement(selfSigned, keys, ORIGIN)).toMatchObject({ ok: false, check: 'untrusted' })
    const broken = await statement(old, next, [old[0]!, breakSigner(old[1]!)])
    expect(await verifyRotationStatement(broken, keys, ORIGIN)).toMatchObject({
      ok: false,
      check: 'signature-ml-dsa-65',
    })
    // Trusted keys that the statement does not name as outgoing do not count.
    const unnamed = await signNoteBody(formatRotationBody(rotationOf(third, next)), old)
    expect(await verifyRotationStatement(unnamed, keys, ORIGIN)).toMatchObject({ ok: false, check: 'untrusted' })
  })

  it('refuses an edited statement, another origin and a body that is not a statement', async () => {
    const keys = old.map((s) => s.key)
    const swapped = honest.replace(vk(next)[0]!, vk(third)[0]!)
    expect(await verifyRotationStatement(swapped, keys, ORIGIN)).toMatchObject({
      ok: false,
      check: 'signature-ed25519',
    })
    expect(await verifyRotationStatement(honest, keys, 'other.example/log')).toMatchObject({
      ok: false,
      check: 'origin',
    })
    const checkpoint = await signNoteBody(`${ORIGIN}\n3\n${'A'.repeat(43)}=\n`, old)
    expect(await verifyRotationStatement(checkpoint, keys, ORIGIN)).toMatchObject({ ok: false, check: 'format' })
    expect(() => parseRotationBody(`${AUDIT_KEY_ROTATION_FORMAT}\norigin x\ntime 2026-01-01T00:00:00Z\n`)).toThrow(
      'adds no key',
    )
  })

  it('follows a chain of rotations from the trusted keys, in any order, and nothing else', async () => {
    const second = await statement(next, third)
    const vouched = await keysVouchedByRotations(
      old.map((s) => s.key),
      [second, honest],
      ORIGIN,
    )
    expect(vouched.map((v) => v.verifierKey)).toEqual([...vk(next), ...vk(third)])
    expect(
      await keysVouchedByRotations(
        next.map((s) => s.key),
        [honest],
        ORIGIN,
      ),
    ).toEqual([])
    expect(
      await keysVouchedByRotations(
        third.map((s) => s.key),
        [honest, second],
        ORIGIN,
      ),
    ).toEqual([])
    const forged = await statement(old, third, pair())
    expect(
      await keysVouchedByRotations(
        old.map((s) => s.key),
        [forged],
        ORIGIN,
      ),
    ).toEqual([])
  })
})
