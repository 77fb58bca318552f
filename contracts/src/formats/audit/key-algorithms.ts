// The signature algorithms of audit checkpoints. Apart from note-keys.ts (which hashes): the
// console's first page needs these names for its schemas, not the hashing.
export type AuditKeyAlgorithm = 'ed25519' | 'ml-dsa-65'
export const AUDIT_KEY_ALGORITHMS = ['ed25519', 'ml-dsa-65'] as const satisfies readonly AuditKeyAlgorithm[]
