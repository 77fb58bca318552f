// The log-level verification: the newest checkpoint's two signatures against the trusted keys,
// its origin, and its consistency with the newest checkpoint this browser verified before.
import type { AuditCheckpoint, AuditKeys } from '@tg/contracts'
import { signatureBackends, toBase64, verifyCheckpoint } from '@tg/contracts/formats/audit'
import type { AuditKeyAlgorithm, Checkpoint, SignatureBackend, VerifiedKey } from '@tg/contracts/formats/audit'
import { checkConsistency, nextCheckpointMemory } from './consistency'
import type { ConsistencyProofSource } from './consistency'
import { decideTrust } from './trust'
import type { TrustDecision } from './trust'
import type { CheckpointMemory, CheckpointView, Failure, LogVerification, TrustMemory, TrustView } from './types'

export type LogInput = {
  checkpoint: AuditCheckpoint
  keys: AuditKeys
  trust: TrustMemory | null
  remembered: CheckpointMemory | null
  getConsistencyProof: ConsistencyProofSource
  now?: Date
}

const viewOfTrust = (decision: TrustDecision): TrustView => ({
  mode: decision.mode,
  trusted: decision.trusted,
  newKeys: decision.newKeys,
  originChangedFrom: decision.originChangedFrom,
  invalidKeys: decision.invalidKeys,
})

function viewOfCheckpoint(input: LogInput, checkpoint: Checkpoint, verifiedBy: VerifiedKey[], decision: TrustDecision) {
  const records = [...decision.trusted, ...decision.newKeys]
  const view: CheckpointView = {
    origin: checkpoint.origin,
    treeSize: checkpoint.treeSize,
    rootHash: toBase64(checkpoint.rootHash),
    note: input.checkpoint.note,
    createdAt: input.checkpoint.createdAt,
    verifiedBy: verifiedBy.map((key) => ({
      ...key,
      fingerprint: records.find((r) => r.keyId === key.keyId && r.algorithm === key.algorithm)?.fingerprint ?? null,
    })),
  }
  return view
}

type Backends = Record<AuditKeyAlgorithm, SignatureBackend>

function unverified(
  decision: TrustDecision,
  failures: Failure[],
  started: number,
  backends: Backends,
): LogVerification {
  return {
    state: 'failed',
    trust: viewOfTrust(decision),
    checkpoint: null,
    consistency: { state: 'unchecked', message: 'Not checked: the checkpoint did not verify.' },
    failures,
    remember: { trust: null, checkpoint: null },
    backends,
    elapsedMs: performance.now() - started,
  }
}

/** Checks that the listed tree size and root match the signed note (the note is what counts). */
function listingFailures(input: LogInput, checkpoint: Checkpoint): Failure[] {
  const failures: Failure[] = []
  if (input.checkpoint.treeSize !== checkpoint.treeSize || input.checkpoint.rootHash !== toBase64(checkpoint.rootHash))
    failures.push({
      check: 'checkpoint',
      message: 'The tree size or root hash listed with the checkpoint differ from its signed note.',
    })
  if (checkpoint.origin !== input.keys.origin)
    failures.push({
      check: 'origin',
      message: `The checkpoint is for log ${checkpoint.origin}, but the server names its log ${input.keys.origin}.`,
    })
  return failures
}

/**
 * Verifies the newest checkpoint. A checkpoint that only verifies with keys the server presents
 * but this browser does not trust yet (TOFU after a rotation) is 'untrusted', not verified.
 */
export async function verifyLog(input: LogInput): Promise<LogVerification> {
  const started = performance.now()
  const decision = decideTrust(input.keys, input.trust, input.now)
  const backends = await signatureBackends()
  let result = await verifyCheckpoint(input.checkpoint.note, decision.keys)
  let isUntrusted = false
  if (!result.ok && decision.mode === 'tofu' && decision.newVerifierKeys.length > 0) {
    const withNew = await verifyCheckpoint(input.checkpoint.note, [...decision.keys, ...decision.newVerifierKeys])
    if (withNew.ok) [result, isUntrusted] = [withNew, true]
  }
  if (!result.ok) {
    const who = decision.mode === 'pinned' ? 'the pinned keys' : 'the keys this browser trusts'
    return unverified(
      decision,
      [
        {
          check: `checkpoint-${result.check}`,
          message: `The newest checkpoint does not verify with ${who}: ${result.reason}.`,
        },
      ],
      started,
      backends,
    )
  }
  const { checkpoint } = result
  const listing = listingFailures(input, checkpoint)
  if (listing.length > 0) return unverified(decision, listing, started, backends)
  if (decision.originChangedFrom !== null) isUntrusted = true

  const current = { origin: checkpoint.origin, treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash }
  const consistency = await checkConsistency(input.remembered, current, input.getConsistencyProof)
  const failures: Failure[] =
    consistency.state === 'failed' ? [{ check: 'consistency', message: consistency.message }] : []
  const state =
    consistency.state === 'failed'
      ? 'failed'
      : consistency.state === 'unchecked'
        ? 'unchecked'
        : isUntrusted
          ? 'untrusted'
          : 'verified'
  return {
    state,
    trust: viewOfTrust(decision),
    checkpoint: viewOfCheckpoint(input, checkpoint, result.verifiedBy, decision),
    consistency,
    failures,
    remember:
      state === 'verified'
        ? { trust: decision.firstUseMemory, checkpoint: nextCheckpointMemory(input.remembered, current, input.now) }
        : { trust: null, checkpoint: null },
    backends,
    elapsedMs: performance.now() - started,
  }
}
