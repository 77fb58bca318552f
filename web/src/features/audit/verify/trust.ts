// Which keys verify the log's checkpoints: the keys pinned in the server's configuration, or
// else the keys this browser saw first (trust on first use), never keys just presented by the
// server once something is remembered.
import type { AuditKeys } from '@tg/contracts'
import { keysVouchedByRotations, parseVerifierKey, sha256, toHex } from '@tg/contracts/formats/audit'
import type { VerifierKey } from '@tg/contracts/formats/audit'
import type { KeyRecord, TrustMemory, TrustView } from './types'

/** A parsed verifier key and how it is shown; null when the text is not a verifier key. */
export function keyRecordOf(verifierKey: string): { key: VerifierKey; record: KeyRecord } | null {
  try {
    const key = parseVerifierKey(verifierKey)
    const keyId = verifierKey.split('+')[1] ?? ''
    return {
      key,
      record: { verifierKey, algorithm: key.algorithm, keyId, fingerprint: toHex(sha256(key.publicKey)) },
    }
  } catch {
    return null
  }
}

export type TrustDecision = TrustView & {
  keys: VerifierKey[]
  /** The server's keys that are not trusted, parsed, to tell a rotation from a bad signature. */
  newVerifierKeys: VerifierKey[]
  /** TOFU memory to write when the checkpoint verifies (first use only). */
  firstUseMemory: TrustMemory | null
}

function parseAll(texts: readonly string[]) {
  const parsed = texts.map((text) => ({ text, parsed: keyRecordOf(text) }))
  return {
    valid: parsed.flatMap((p) => (p.parsed ? [p.parsed] : [])),
    invalid: parsed.filter((p) => !p.parsed).map((p) => p.text),
  }
}

/**
 * Decides the trusted keys. Pinned keys win when the server's configuration has any. Otherwise
 * the first time (nothing remembered) every key the server lists is trusted and remembered;
 * later only the remembered keys are, and the server's other keys are reported as new.
 */
export function decideTrust(keys: AuditKeys, memory: TrustMemory | null, now = new Date()): TrustDecision {
  const server = parseAll(keys.keys.map((k) => k.verifierKey))
  const without = (trusted: readonly KeyRecord[]) => {
    const known = new Set(trusted.map((k) => k.verifierKey))
    return server.valid.filter((k) => !known.has(k.record.verifierKey))
  }
  if (keys.pinned.length > 0) {
    const pinned = parseAll(keys.pinned)
    const trusted = pinned.valid.map((k) => k.record)
    const fresh = without(trusted)
    return {
      mode: 'pinned',
      keys: pinned.valid.map((k) => k.key),
      trusted,
      newKeys: fresh.map((k) => k.record),
      newVerifierKeys: fresh.map((k) => k.key),
      originChangedFrom: null,
      invalidKeys: [...pinned.invalid, ...server.invalid],
      firstUseMemory: null,
    }
  }
  if (!memory) {
    const firstSeenAt = now.toISOString()
    return {
      mode: 'tofu-first-use',
      keys: server.valid.map((k) => k.key),
      trusted: server.valid.map((k) => k.record),
      newKeys: [],
      newVerifierKeys: [],
      originChangedFrom: null,
      invalidKeys: server.invalid,
      firstUseMemory: {
        version: 1,
        logOrigin: keys.origin,
        keys: server.valid.map((k) => ({ ...k.record, firstSeenAt })),
      },
    }
  }
  const remembered = parseAll(memory.keys.map((k) => k.verifierKey))
  const trusted = remembered.valid.map((k) => k.record)
  const fresh = without(trusted)
  return {
    mode: 'tofu',
    keys: remembered.valid.map((k) => k.key),
    trusted,
    newKeys: fresh.map((k) => k.record),
    newVerifierKeys: fresh.map((k) => k.key),
    originChangedFrom: memory.logOrigin === keys.origin ? null : memory.logOrigin,
    invalidKeys: [...remembered.invalid, ...server.invalid],
    firstUseMemory: null,
  }
}

/**
 * The TOFU memory after the person accepted the keys the server presents now (after comparing
 * their fingerprints out of band): the remembered keys plus the new ones, for the server's origin.
 */
export function acceptPresentedKeys(keys: AuditKeys, memory: TrustMemory | null, now = new Date()): TrustMemory {
  const firstSeenAt = now.toISOString()
  const sameOrigin = memory?.logOrigin === keys.origin ? memory.keys : []
  const known = new Set(sameOrigin.map((k) => k.verifierKey))
  const added = parseAll(keys.keys.map((k) => k.verifierKey))
    .valid.filter((k) => !known.has(k.record.verifierKey))
    .map((k) => ({ ...k.record, firstSeenAt }))
  return { version: 1, logOrigin: keys.origin, keys: [...sameOrigin, ...added] }
}

/**
 * The TOFU memory extended with the keys that rotation statements vouch for: statements signed
 * by both outgoing keys, where the outgoing keys are ones this browser trusts (or ones an
 * earlier statement vouched for). Null when nothing is added: no memory yet (first use trusts
 * everything anyway), another log origin, or no statement signed by trusted keys. The server's
 * word alone never adds a key; only keys this browser already trusts can.
 */
export async function extendTrustByRotations(
  keys: AuditKeys,
  memory: TrustMemory | null,
  statements: readonly string[],
  now = new Date(),
): Promise<{ memory: TrustMemory; added: KeyRecord[] } | null> {
  if (!memory || memory.logOrigin !== keys.origin || statements.length === 0) return null
  const trusted = parseAll(memory.keys.map((k) => k.verifierKey)).valid.map((k) => k.key)
  const vouched = await keysVouchedByRotations(trusted, statements, keys.origin)
  const added = parseAll(vouched.map((v) => v.verifierKey)).valid.map((k) => k.record)
  if (added.length === 0) return null
  const firstSeenAt = now.toISOString()
  return {
    memory: { ...memory, keys: [...memory.keys, ...added.map((record) => ({ ...record, firstSeenAt }))] },
    added,
  }
}
