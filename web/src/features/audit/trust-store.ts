// This browser's memory of the audit log, in localStorage (one record per console web origin):
// the keys it trusted on first use and the newest checkpoint it verified. Written only after a
// checkpoint verified, or when the person accepts new keys or resets the memory.
import { AUDIT_KEY_ALGORITHMS } from '@tg/contracts/formats/audit'
import { z } from 'zod'
import type { CheckpointMemory, TrustMemory } from './verify/types'

const TRUST_KEY = 'tg.audit.trusted-keys'
const CHECKPOINT_KEY = 'tg.audit.verified-checkpoint'

const TrustMemorySchema = z.object({
  version: z.literal(1),
  logOrigin: z.string(),
  keys: z.array(
    z.object({
      verifierKey: z.string(),
      algorithm: z.enum(AUDIT_KEY_ALGORITHMS),
      keyId: z.string(),
      fingerprint: z.string(),
      firstSeenAt: z.string(),
    }),
  ),
})

const CheckpointMemorySchema = z.object({
  version: z.literal(1),
  origin: z.string(),
  treeSize: z.number().int().nonnegative(),
  rootHash: z.string(),
  verifiedAt: z.string(),
})

function read<T>(key: string, schema: z.ZodType<T>): T | null {
  try {
    const text = localStorage.getItem(key)
    if (text === null) return null
    const parsed = schema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

function write(key: string, value: unknown): void {
  try {
    if (value === null) localStorage.removeItem(key)
    else localStorage.setItem(key, JSON.stringify(value))
  } catch (error) {
    console.warn('The audit verifier could not write its memory to localStorage.', error)
  }
}

export const readTrustMemory = (): TrustMemory | null => read(TRUST_KEY, TrustMemorySchema)
export const writeTrustMemory = (memory: TrustMemory | null): void => write(TRUST_KEY, memory)
export const readCheckpointMemory = (): CheckpointMemory | null => read(CHECKPOINT_KEY, CheckpointMemorySchema)
export const writeCheckpointMemory = (memory: CheckpointMemory | null): void => write(CHECKPOINT_KEY, memory)
