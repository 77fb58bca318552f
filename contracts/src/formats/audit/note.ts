// c2sp.org/signed-note and c2sp.org/tlog-checkpoint for the audit log: the public surface.
export { NoteFormatError } from './note-errors'
export {
  ALGORITHM_LABELS,
  AUDIT_KEY_ALGORITHMS,
  KEY_SIZES,
  ML_DSA_65_TYPE_ID,
  SIGNATURE_TYPE_ED25519,
  formatVerifierKey,
  isValidKeyName,
  keyIdOf,
  parseVerifierKey,
} from './note-keys'
export type { AuditKeyAlgorithm, VerifierKey } from './note-keys'
export { MAX_NOTE_SIGNATURES, formatSignatureLine, parseSignedNote, signNoteBody } from './signed-note'
export type { NoteSignature, NoteSigner, SignedNote } from './signed-note'
export { formatCheckpointBody, parseCheckpointBody, verifyCheckpoint } from './checkpoint'
export type { Checkpoint, CheckpointCheck, CheckpointVerification, VerifiedKey } from './checkpoint'
export { signatureBackends, verifySignature } from './signature'
export type { SignatureBackend } from './signature'
