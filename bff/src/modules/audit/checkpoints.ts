import { emit } from '../integrations/emit'
import { desc, eq, lt } from 'drizzle-orm'
import { formatCheckpointBody, rootFromFrontier, signNoteBody, toBase64 } from '@tg/contracts/formats/audit'
import type { AuditCheckpoint } from '@tg/contracts'
import type { Db, Executor } from '../../db/client'
import { auditCheckpoints } from '../../db/schema'
import { conflict } from '../../lib/errors'
import { activeKeyRows } from './keys'
import type { KeyRow, Signer } from './keys'
import { lockHead } from './tree'

export type CheckpointRow = typeof auditCheckpoints.$inferSelect

export function toCheckpoint(row: CheckpointRow): AuditCheckpoint {
  return {
    treeSize: row.treeSize,
    rootHash: toBase64(row.rootHash),
    note: row.note,
    createdAt: row.createdAt.toISOString(),
  }
}

export async function latestCheckpoint(ex: Executor): Promise<CheckpointRow | undefined> {
  const [row] = await ex.select().from(auditCheckpoints).orderBy(desc(auditCheckpoints.treeSize)).limit(1)
  return row
}

export async function checkpointAt(ex: Executor, treeSize: number): Promise<CheckpointRow | undefined> {
  const [row] = await ex.select().from(auditCheckpoints).where(eq(auditCheckpoints.treeSize, treeSize))
  return row
}

export async function checkpointBefore(ex: Executor, treeSize: number): Promise<CheckpointRow | undefined> {
  const [row] = await ex
    .select()
    .from(auditCheckpoints)
    .where(lt(auditCheckpoints.treeSize, treeSize))
    .orderBy(desc(auditCheckpoints.treeSize))
    .limit(1)
  return row
}

/**
 * Signs the tree as it stands (under the head lock, so the size and root belong together) with
 * every active key. Every checkpoint comes from the one append-only tree, so no two can be
 * inconsistent. Returns the existing checkpoint when one already covers the whole tree.
 */
export async function cutCheckpoint(
  db: Db,
  signerOf: (row: KeyRow) => Signer,
): Promise<{ row: CheckpointRow; isNew: boolean }> {
  return db.transaction(async (tx) => {
    const head = await lockHead(tx)
    if (head.treeSize === 0 || !head.origin)
      throw conflict('The audit log is empty: there is nothing to checkpoint yet.')
    const existing = await checkpointAt(tx, head.treeSize)
    if (existing) return { row: existing, isNew: false }
    const keys = await activeKeyRows(tx)
    if (!keys.some((k) => k.algorithm === 'ed25519') || !keys.some((k) => k.algorithm === 'ml-dsa-65'))
      throw new Error('audit signing keys are missing: both an Ed25519 and an ML-DSA-65 key must be active')
    const rootHash = rootFromFrontier(head.frontier)
    const body = formatCheckpointBody({ origin: head.origin, treeSize: head.treeSize, rootHash, extensions: [] })
    const note = await signNoteBody(body, keys.map(signerOf))
    const [row] = await tx
      .insert(auditCheckpoints)
      .values({ treeSize: head.treeSize, rootHash: Buffer.from(rootHash), note })
      .returning()
    if (!row) throw new Error('insert returned no row')
    await emit(tx, 'audit.checkpoint_published', {
      origin: head.origin,
      treeSize: row.treeSize,
      rootHash: Buffer.from(rootHash).toString('hex'),
    })
    return { row, isNew: true }
  })
}
