import { beforeAll, describe, expect, it } from 'vitest'
import { keysResponse, makeKeyPair, verifierKeysOf } from './test-log'
import type { TestKeyPair } from './test-log'
import { acceptPresentedKeys, decideTrust } from './trust'

let first: TestKeyPair
let rotated: TestKeyPair
beforeAll(() => {
  first = makeKeyPair()
  rotated = makeKeyPair()
})
const now = new Date('2026-11-23T13:00:00.000Z')

describe('trust on first use', () => {
  it('trusts and remembers every listed key the first time, with fingerprints computed here', () => {
    const keys = keysResponse([first])
    const decision = decideTrust(keys, null, now)
    expect(decision.mode).toBe('tofu-first-use')
    expect(decision.keys).toHaveLength(2)
    expect(decision.firstUseMemory).toMatchObject({ version: 1, logOrigin: keys.origin })
    expect(decision.firstUseMemory!.keys.map((k) => [k.verifierKey, k.fingerprint, k.firstSeenAt])).toEqual(
      keys.keys.map((k) => [k.verifierKey, k.fingerprint, now.toISOString()]),
    )
  })

  it('later trusts only the remembered keys and reports the others as new', () => {
    const memory = decideTrust(keysResponse([first]), null, now).firstUseMemory
    const decision = decideTrust(keysResponse([rotated, first]), memory, now)
    expect(decision.mode).toBe('tofu')
    expect(decision.trusted.map((k) => k.verifierKey)).toEqual(verifierKeysOf(first))
    expect(decision.newKeys.map((k) => k.verifierKey)).toEqual(verifierKeysOf(rotated))
    expect(decision.firstUseMemory).toBeNull()
  })

  it('adds the presented keys only when the person accepts them', () => {
    const memory = decideTrust(keysResponse([first]), null, now).firstUseMemory
    const accepted = acceptPresentedKeys(keysResponse([rotated, first]), memory, now)
    expect(accepted.keys.map((k) => k.verifierKey)).toEqual([...verifierKeysOf(first), ...verifierKeysOf(rotated)])
    expect(decideTrust(keysResponse([rotated, first]), accepted, now).newKeys).toEqual([])
  })

  it('ignores a key whose verifier key text does not parse', () => {
    const keys = keysResponse([first])
    keys.keys[0] = { ...keys.keys[0]!, verifierKey: 'not+a+key' }
    const decision = decideTrust(keys, null, now)
    expect(decision.keys).toHaveLength(1)
    expect(decision.invalidKeys).toEqual(['not+a+key'])
  })
})

describe('pinned keys', () => {
  it('win over anything remembered, and keys the server adds are reported', () => {
    const memory = decideTrust(keysResponse([rotated]), null, now).firstUseMemory
    const decision = decideTrust(keysResponse([rotated, first], verifierKeysOf(first)), memory, now)
    expect(decision.mode).toBe('pinned')
    expect(decision.trusted.map((k) => k.verifierKey)).toEqual(verifierKeysOf(first))
    expect(decision.newKeys.map((k) => k.verifierKey)).toEqual(verifierKeysOf(rotated))
    expect(decision.firstUseMemory).toBeNull()
  })
})
