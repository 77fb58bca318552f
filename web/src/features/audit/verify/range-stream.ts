// One range of "verify everything" in a pool worker: the leaves of [start, end) streamed from the
// server as NDJSON, checked and hashed into the range's subtrees by the contracts' verifyChunk.
import { AUDIT_LEAF_STREAM_MEDIA_TYPE, streamAuditLeavesRoute } from '@tg/contracts'
import type { AuditLeafLine } from '@tg/contracts'
import { verifyChunk } from '@tg/contracts/formats/audit'
import type { ChunkResult } from '@tg/contracts/formats/audit'
import { readNdjson } from '@/shared/api'

export const isLeafLine = (value: unknown): value is AuditLeafLine =>
  typeof value === 'object' &&
  value !== null &&
  Number.isSafeInteger((value as AuditLeafLine).seq) &&
  (value as AuditLeafLine).seq >= 0 &&
  typeof (value as AuditLeafLine).canonical === 'string'

export type RangeParams = { start: number; end: number }

/** Streams and verifies the leaves of [start, end): what the range adds to the whole tree. */
export async function verifyStreamedRange(params: RangeParams, context: { signal: AbortSignal }): Promise<ChunkResult> {
  const leaves: AuditLeafLine[] = []
  await readNdjson(streamAuditLeavesRoute, {
    query: { start: params.start, end: params.end },
    signal: context.signal,
    mediaType: AUDIT_LEAF_STREAM_MEDIA_TYPE,
    isItem: isLeafLine,
    onItems: (items) => {
      for (const item of items) if (item.seq < params.end) leaves.push(item)
    },
  })
  context.signal.throwIfAborted()
  return verifyChunk(params.start, leaves)
}

/** What a pool worker serves. */
export type ReplayMethods = { verifyRange: typeof verifyStreamedRange }
