// "Verify everything" reads the whole log: the leaves of [start, end) as one NDJSON response,
// read from the database in batches as the client consumes them (pull-based, so a slow reader
// holds at most two batches here), one `{"seq":N,"canonical":"…"}` line per stored leaf.
import { sql } from 'drizzle-orm'
import type { Executor } from '../../db/client'
import { auditLog } from '../../db/schema'

/** Rows per database read: large enough that reads keep up, small enough to hold in memory. */
export const LEAF_STREAM_BATCH = 8192

const encoder = new TextEncoder()

/**
 * One batch as NDJSON text built by the database itself (row_to_json: `{"seq":N,"canonical":"…"}`,
 * escaped losslessly), so that the server handles one value a batch instead of a row object and a
 * JSON.stringify a leaf (a profile of the first version: the per-row work was most of a read).
 */
async function readBatch(ex: Executor, from: number, end: number, batch: number) {
  const result = await ex.execute<{ lines: string | null; last: number | string | null; n: number | string }>(sql`
    select string_agg(row_to_json(t)::text || E'\n', '' order by t.seq) as lines, max(t.seq) as last, count(*) as n
    from (select ${auditLog.seq} as seq, ${auditLog.canonical} as canonical from ${auditLog}
          where ${auditLog.seq} >= ${from} and ${auditLog.seq} < ${end} order by ${auditLog.seq} limit ${batch}) t`)
  const row = (result as unknown as { rows: Array<{ lines: string | null; last: unknown; n: unknown }> }).rows[0]
  return { lines: row?.lines ?? '', last: row?.last === null ? null : Number(row?.last), count: Number(row?.n ?? 0) }
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
        const { lines, last, count } = await readBatch(ex, next, end, batch)
        if (last === null) return controller.close()
        controller.enqueue(encoder.encode(lines))
        next = last + 1
        if (count < batch) controller.close()
      },
    },
    // Two batches ahead: the next read runs while the previous one is being sent.
    { highWaterMark: 2 },
  )
}
