import { afterEach, describe, expect, it } from 'vitest'
import { readCheckpointMemory, readTrustMemory, writeCheckpointMemory, writeTrustMemory } from './trust-store'
import type { CheckpointMemory, TrustMemory } from './verify/types'

afterEach(() => localStorage.clear())

const trust: TrustMemory = {
  version: 1,
  logOrigin: 'tensorguardflow.test/audit',
  keys: [
    { verifierKey: 'k+00000000+AQ==', algorithm: 'ed25519', keyId: '00000000', fingerprint: 'ab', firstSeenAt: 'now' },
  ],
}
const checkpoint: CheckpointMemory = { version: 1, origin: 'o', treeSize: 12, rootHash: 'cm9vdA==', verifiedAt: 'now' }

describe("this browser's memory of the audit log", () => {
  it('keeps trusted keys and the newest verified checkpoint across reloads', () => {
    writeTrustMemory(trust)
    writeCheckpointMemory(checkpoint)
    expect(readTrustMemory()).toEqual(trust)
    expect(readCheckpointMemory()).toEqual(checkpoint)
  })

  it('forgets on request, and treats unreadable memory as none', () => {
    writeTrustMemory(trust)
    writeTrustMemory(null)
    expect(readTrustMemory()).toBeNull()
    localStorage.setItem('tg.audit.verified-checkpoint', '{"version":1,"treeSize":"twelve"}')
    expect(readCheckpointMemory()).toBeNull()
    localStorage.setItem('tg.audit.trusted-keys', 'not json')
    expect(readTrustMemory()).toBeNull()
  })
})
