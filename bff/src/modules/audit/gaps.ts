// Sequence numbers the log should hold but does not: what the entries list and the leaves route
// report, so that neither can skip a deleted entry without a word.
import { AUDIT_MISSING_SPANS_MAX } from '@tg/contracts'
import type { SeqSpan } from '@tg/contracts'
import { sql } from 'drizzle-orm'
import type { Executor } from '../../db/client'
import { auditLog } from '../../db/schema'

type Rows<T> = { rows: T[] }

/** The spans of `seqs` (ascending) missing from [first, last], lowest first. */
export function spansMissingFrom(seqs: readonly number[], first: number, last: number): SeqSpan[] {
  const out: SeqSpan[] = []
  let next = first
  for (const seq of [...seqs.filter((s) => s >= first && s <= last), last + 1]) {
    if (seq > next && out.length < AUDIT_MISSING_SPANS_MAX) out.push({ first: next, last: seq - 1 })
    next = seq + 1
  }
  return out
}

/**
 * The spans of [first, last] with no stored entry, lowest first (at most AUDIT_MISSING_SPANS_MAX).
 * One index-only count answers when nothing is missing; the gaps are looked for only otherwise.
 */
export async function missingSpans(ex: Executor, first: number, last: number): Promise<SeqSpan[]> {
  if (last < first) return []
  const counted = (await ex.execute(
    sql`select count(*)::float8 as n from ${auditLog} where seq between ${first} and ${last}`,
  )) as unknown as Rows<{ n: number }>
  if (Number(counted.rows[0]?.n) === last - first + 1) return []
  const gaps = (await ex.execute(sql`
    select seq + 1 as first, next - 1 as last from (
      select seq, lead(seq) over (order by seq) as next from (
        select ${first - 1}::bigint as seq
        union all select seq from ${auditLog} where seq between ${first} and ${last}
        union all select ${last + 1}::bigint
      ) bounds
    ) g where next - seq > 1 order by seq limit ${AUDIT_MISSING_SPANS_MAX}`)) as unknown as Rows<{
    first: number | string
    last: number | string
  }>
  return gaps.rows.map((row) => ({ first: Number(row.first), last: Number(row.last) }))
}
