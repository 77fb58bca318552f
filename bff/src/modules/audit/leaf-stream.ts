// "Verify everything" reads the whole log: the leaves of [start, end) as one NDJSON response,
// read from the database in batches as the client consumes them (pull-based, so a slow reader
// holds at most one batch here), one `{"seq":N,"canonical":"…"}` line per stored leaf.
import { and, asc, gte, lt } from 'drizzle-orm'
import type { Executor } from '../../db/client'
import { auditLog } from '../../db/schema'

/** Rows per database read: large enough that reads keep up, small enough to hold in memory. */
export const LEAF_STREAM_BATCH = 8192

const encoder = new TextEncoder()

async function readBatch(ex: Executor, from: number, end: number, batch: number) {
  return ex
    .select({ seq: auditLog.seq, canonical: auditLog.canonical })
    .from(auditLog)
    .where(and(gte(auditLog.seq, from), lt(auditLog.seq, end)))
    .orderBy(asc(auditLog.seq))
    .limit(batch)
}

/**
 * The stored leaves with `start <= seq < end`, ascending. A missing row is simply absent (the
 * reader names it); a database failure mid-way errors the stream, which aborts the response.
 */
export function streamLeaves(
  ex: Executor,
  start: number,
  end: number,
  batch = LEAF_STREAM_BATCH,
): ReadableStream<Uint8Array> {
  let next = start
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (next >= end) return controller.close()
        const rows = await readBatch(ex, next, end, batch)
        const last = rows.at(-1)
        if (!last) return controller.close()
        let text = ''
        for (const row of rows) text += `{"seq":${row.seq},"canonical":${JSON.stringify(row.canonical)}}\n`
        controller.enqueue(encoder.encode(text))
        next = last.seq + 1
        if (rows.length < batch) controller.close()
      },
    },
    { highWaterMark: 1 },
  )
}
