// The offline export (tensorguardflow.audit-bundle/v2): the entries of a range, or those of it
// that match a filter, with inclusion proofs, the left-out leaves as subtree hashes, the last two
// checkpoints with their consistency proof, and every public key.
import { AUDIT_EXPORT_MAX } from '@tg/contracts'
import type { AuditExportQuery } from '@tg/contracts'
import { AUDIT_BUNDLE_FORMAT, normalizeFilter, omittedTiles } from '@tg/contracts/formats/audit'
import type { AuditBundle } from '@tg/contracts/formats/audit'
import type { Db } from '../../db/client'
import { AppError, notFound } from '../../lib/errors'
import { checkpointBefore } from './checkpoints'
import type { CheckpointRow } from './checkpoints'
import { listKeyRows, toSigningKey } from './keys'
import { consistencyProof, inclusionProofs, subtreeHashes } from './proofs'
import { exportEntries } from './repo'
import { readHead } from './tree'

const tooLarge = (what: string) =>
  new AppError('PAYLOAD_TOO_LARGE', `${what}: narrow the filter or the range (fromSeq, toSeq).`)

/** Builds the bundle against `latest`, the checkpoint just cut over the whole log. */
export async function buildBundle(db: Db, latest: CheckpointRow, query: AuditExportQuery): Promise<AuditBundle> {
  const { fromSeq = 0, toSeq, ...fields } = query
  const treeSize = latest.treeSize
  const end = Math.min(toSeq ?? treeSize, treeSize)
  if (fromSeq > end)
    throw new AppError('VALIDATION_FAILED', `fromSeq must be at most toSeq (${end}).`, {
      issues: [{ path: 'fromSeq', message: `At most ${end}.` }],
    })
  const filter = normalizeFilter(fields)
  const rows = await exportEntries(db, fields, fromSeq, end, AUDIT_EXPORT_MAX)
  if (rows.length > AUDIT_EXPORT_MAX) throw tooLarge(`More than ${AUDIT_EXPORT_MAX} entries match`)
  const range = { fromSeq, toSeq: end, treeSize }
  const seqs = rows.map((r) => r.seq)
  const tiles = omittedTiles(range, seqs)
  if (tiles.length > AUDIT_EXPORT_MAX)
    throw tooLarge(`The entries left out need more than ${AUDIT_EXPORT_MAX} subtree hashes`)
  const [proofs, omitted, previous, keyRows, head] = await Promise.all([
    inclusionProofs(db, seqs, treeSize),
    subtreeHashes(db, tiles),
    checkpointBefore(db, treeSize),
    listKeyRows(db),
    readHead(db),
  ])
  return {
    format: AUDIT_BUNDLE_FORMAT,
    origin: head.origin ?? '',
    createdAt: new Date().toISOString(),
    range,
    filter,
    publicKeys: keyRows.map((row) => {
      const { name, algorithm, publicKey, keyId, status } = toSigningKey(row)
      return { name, algorithm, publicKey, keyId, status }
    }),
    checkpoints: [...(previous ? [{ note: previous.note }] : []), { note: latest.note }],
    consistency: previous
      ? [
          {
            fromSize: previous.treeSize,
            toSize: treeSize,
            proof: await consistencyProof(db, previous.treeSize, treeSize),
          },
        ]
      : [],
    entries: rows.map((row, i) => ({ seq: row.seq, canonical: row.canonical, proof: proofs[i] ?? [] })),
    omitted,
  }
}

/** 404 when the log is empty (there is no checkpoint to prove anything against). */
export const emptyLog = () => notFound('Audit entry')
