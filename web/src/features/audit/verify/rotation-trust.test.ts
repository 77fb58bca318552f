import { formatRotationBody, formatVerifierKey, signNoteBody } from '@tg/contracts/formats/audit'
import { beforeAll, describe, expect, it } from 'vitest'
import { ORIGIN, keysResponse, makeKeyPair, verifierKeysOf } from './test-log'
import type { TestKeyPair } from './test-log'
import { decideTrust, extendTrustByRotations } from './trust'

let first: TestKeyPair
let rotated: TestKeyPair
let again: TestKeyPair
const now = new Date('2026-12-07T05:00:00.000Z')
const signersOf = (pair: TestKeyPair) => [pair.ed25519, pair.mlDsa65]

/** The statement the server publishes when `from` rotates to `to`, signed by `signers`. */
const statement = (from: TestKeyPair, to: TestKeyPair, signers = signersOf(from), origin = ORIGIN) =>
  signNoteBody(
    formatRotationBody({
      origin,
      rotatedAt: now.toISOString(),
      retired: signersOf(from).map((s) => formatVerifierKey(s.key)),
      added: signersOf(to).map((s) => formatVerifierKey(s.key)),
    }),
    signers,
  )

beforeAll(() => {
  first = makeKeyPair()
  rotated = makeKeyPair()
  again = makeKeyPair()
})

describe('trust across a key rotation', () => {
  it('trusts the new keys on the word of the old keys this browser trusts, and reports none as new', async () => {
    const memory = decideTrust(keysResponse([first]), null, now).firstUseMemory
    const keys = keysResponse([rotated, first])
    expect(decideTrust(keys, memory, now).newKeys).toHaveLength(2)
    const extended = await extendTrustByRotations(keys, memory, [await statement(first, rotated)], now)
    expect(extended?.added.map((k) => k.verifierKey)).toEqual(verifierKeysOf(rotated))
    const decision = decideTrust(keys, extended!.memory, now)
    expect(decision.mode).toBe('tofu')
    expect(decision.newKeys).toEqual([])
    expect(decision.trusted.map((k) => k.verifierKey)).toEqual([...verifierKeysOf(first), ...verifierKeysOf(rotated)])
  })

  it('follows two rotations at once, in the order the statements come', async () => {
    const memory = decideTrust(keysResponse([first]), null, now).firstUseMemory
    const statements = [await statement(rotated, again), await statement(first, rotated)]
    const extended = await extendTrustByRotations(keysResponse([again, rotated, first]), memory, statements, now)
    expect(extended?.added.map((k) => k.verifierKey)).toEqual([...verifierKeysOf(rotated), ...verifierKeysOf(again)])
  })

  it('adds nothing on a statement the trusted keys did not sign, or signed by one of them only', async () => {
    const memory = decideTrust(keysResponse([first]), null, now).firstUseMemory
    const keys = keysResponse([rotated, first])
    const bySelf = await statement(first, rotated, signersOf(rotated))
    const byOne = await statement(first, rotated, [first.ed25519])
    expect(await extendTrustByRotations(keys, memory, [bySelf, byOne], now)).toBeNull()
    // Nor for another log, nor before this browser trusts anything.
    const otherOrigin = await statement(first, rotated, signersOf(first), 'elsewhere.test/audit')
    expect(await extendTrustByRotations(keys, memory, [otherOrigin], now)).toBeNull()
    expect(await extendTrustByRotations(keys, null, [await statement(first, rotated)], now)).toBeNull()
    // A statement whose new keys were swapped after signing does not verify.
    const honest = await statement(first, rotated)
    const swapped = honest.replace(verifierKeysOf(rotated)[0]!, verifierKeysOf(again)[0]!)
    expect(await extendTrustByRotations(keys, memory, [swapped], now)).toBeNull()
  })
})
