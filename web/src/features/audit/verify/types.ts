// What the audit verifier (run in a Web Worker) takes and answers. Plain data only: everything
// here crosses postMessage.
import type { AuditKeyAlgorithm, SignatureBackend } from '@tg/contracts/formats/audit'

/** The state of one row, of the whole log, or of a check. */
export type VerificationState = 'verified' | 'failed' | 'pending'

/** One failed check, named so that a person can tell what failed and where. */
export type Failure = {
  /** What failed: 'signature', 'consistency', 'inclusion', 'chain', 'seq', 'canonical', 'root', … */
  check: string
  /** The entry it concerns, when it concerns one. */
  seq?: number
  message: string
}

/** A signing key as this browser knows it (TOFU memory) or as the server lists it. */
export type KeyRecord = {
  /** `<name>+<key id>+<base64 key>`, the form used to pin keys in configuration. */
  verifierKey: string
  algorithm: AuditKeyAlgorithm
  keyId: string
  /** SHA-256 of the public key, computed here from the verifier key. */
  fingerprint: string
}

/** Keys trusted on first use, kept in localStorage for this console's web origin. */
export type TrustMemory = {
  version: 1
  /** The log origin the keys were first seen for. */
  logOrigin: string
  keys: Array<KeyRecord & { firstSeenAt: string }>
}

/** The newest checkpoint this browser verified, to prove that later ones extend it. */
export type CheckpointMemory = {
  version: 1
  origin: string
  treeSize: number
  /** Base64, as in the checkpoint note. */
  rootHash: string
  verifiedAt: string
}

export type TrustMode = 'pinned' | 'tofu-first-use' | 'tofu'

export type TrustView = {
  mode: TrustMode
  /** The keys verification accepts, as shown to the person. */
  trusted: KeyRecord[]
  /** Keys the server presents that are not trusted (new after a rotation, or not pinned). */
  newKeys: KeyRecord[]
  /** The log origin this browser remembered, when the server now names another. */
  originChangedFrom: string | null
  /** Pinned or listed keys that could not be parsed. */
  invalidKeys: string[]
}

export type SignatureView = { name: string; algorithm: AuditKeyAlgorithm; keyId: string; fingerprint: string | null }

export type CheckpointView = {
  origin: string
  treeSize: number
  rootHash: string
  note: string
  createdAt: string
  /** The signatures that verified (one Ed25519 and one ML-DSA-65 at least, when verified). */
  verifiedBy: SignatureView[]
}

export type ConsistencyView =
  | { state: 'first'; message: string }
  | { state: 'verified'; fromSize: number; toSize: number; message: string }
  | { state: 'failed'; message: string }
  | { state: 'unchecked'; message: string }

/** The log-level result: signatures of the newest checkpoint, trust, consistency. */
export type LogVerification = {
  /**
   * verified: signed by trusted keys and consistent with what this browser saw before.
   * untrusted: signed correctly, but by keys (or for an origin) this browser has not accepted yet.
   * failed: a signature, the format or the consistency check failed.
   * unchecked: a check could not run (the consistency proof could not be fetched).
   */
  state: 'verified' | 'untrusted' | 'failed' | 'unchecked'
  trust: TrustView
  checkpoint: CheckpointView | null
  consistency: ConsistencyView
  failures: Failure[]
  /** What to write to localStorage (null: leave as is). */
  remember: { trust: TrustMemory | null; checkpoint: CheckpointMemory | null }
  /** Which implementation verified each algorithm here (native WebCrypto or @noble). */
  backends: Record<AuditKeyAlgorithm, SignatureBackend>
  elapsedMs: number
}

/** An entry to verify, as the entries endpoint returns it. */
export type RowInput = { seq: number; canonical: string; proof: { treeSize: number; hashes: string[] } | null }

export type RowResult = {
  seq: number
  state: VerificationState
  failures: Failure[]
  /** Why the row is pending, when it is. */
  pendingReason: string | null
  /** RFC 6962 leaf hash of the canonical bytes (hex), computed here. */
  leafHash: string
  /** The checkpoint (tree size) the row was verified against. */
  treeSize: number | null
}

export type RowBatchResult = { results: RowResult[]; elapsedMs: number }

export type VerifyAllProgress = { done: number; total: number }

export type VerifyAllResult =
  | { state: 'verified'; treeSize: number; entries: number; elapsedMs: number }
  | { state: 'failed'; treeSize: number; done: number; failure: Failure; elapsedMs: number }
