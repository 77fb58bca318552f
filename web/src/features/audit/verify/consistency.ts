// Consistency with the newest checkpoint this browser verified before: a server that rewrites
// history after this browser saw a checkpoint cannot prove that its new tree extends the old one.
import { consistencyProofRanges, fromBase64, fromHex, toBase64, verifyConsistency } from '@tg/contracts/formats/audit'
import type { CheckpointMemory, ConsistencyView } from './types'

export type CurrentCheckpoint = { origin: string; treeSize: number; rootHash: Uint8Array }

/** Fetches the consistency proof (hex hashes) from tree size `from` to `to`. */
export type ConsistencyProofSource = (from: number, to: number) => Promise<string[]>

/**
 * Checks that `current` extends `remembered` (same origin, not smaller, same root at the same
 * size, a verifying consistency proof otherwise). A proof that cannot be fetched leaves the
 * check 'unchecked', never verified.
 */
export async function checkConsistency(
  remembered: CheckpointMemory | null,
  current: CurrentCheckpoint,
  getProof: ConsistencyProofSource,
): Promise<ConsistencyView> {
  if (!remembered)
    return { state: 'first', message: 'This is the first checkpoint this browser verified for this log.' }
  const before = `the checkpoint of size ${remembered.treeSize} this browser verified on ${remembered.verifiedAt}`
  if (remembered.origin !== current.origin) {
    return {
      state: 'failed',
      message: `The log origin changed from ${remembered.origin} to ${current.origin} since ${before}.`,
    }
  }
  if (current.treeSize < remembered.treeSize) {
    return {
      state: 'failed',
      message: `The newest checkpoint (size ${current.treeSize}) is older than ${before}: the log was rolled back.`,
    }
  }
  const oldRoot = fromBase64(remembered.rootHash)
  if (current.treeSize === remembered.treeSize) {
    return toBase64(current.rootHash) === remembered.rootHash
      ? {
          state: 'verified',
          fromSize: remembered.treeSize,
          toSize: current.treeSize,
          message: `Same checkpoint as ${before}.`,
        }
      : {
          state: 'failed',
          message: `The root hash of size ${current.treeSize} differs from ${before}: history was rewritten.`,
        }
  }
  let hashes: string[]
  try {
    hashes = await getProof(remembered.treeSize, current.treeSize)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return { state: 'unchecked', message: `The consistency proof could not be fetched: ${reason}` }
  }
  const expected = consistencyProofRanges(remembered.treeSize, current.treeSize).length
  const isConsistent =
    hashes.length === expected &&
    verifyConsistency({
      oldSize: remembered.treeSize,
      newSize: current.treeSize,
      oldRoot,
      newRoot: current.rootHash,
      proof: hashes.map(fromHex),
    })
  if (!isConsistent) {
    return {
      state: 'failed',
      message: `The tree of size ${current.treeSize} does not extend ${before}: history was rewritten.`,
    }
  }
  return {
    state: 'verified',
    fromSize: remembered.treeSize,
    toSize: current.treeSize,
    message: `The tree of size ${current.treeSize} extends ${before}.`,
  }
}

/** What to remember after a verified checkpoint: never move back to a smaller tree. */
export function nextCheckpointMemory(
  remembered: CheckpointMemory | null,
  current: CurrentCheckpoint,
  now = new Date(),
): CheckpointMemory | null {
  if (remembered && remembered.origin === current.origin && remembered.treeSize >= current.treeSize) return null
  return {
    version: 1,
    origin: current.origin,
    treeSize: current.treeSize,
    rootHash: toBase64(current.rootHash),
    verifiedAt: now.toISOString(),
  }
}
