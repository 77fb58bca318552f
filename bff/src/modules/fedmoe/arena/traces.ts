// The arena's trace viewer: the versions' traces aligned by the input's canonical hash, paged by
// that hash. Each version's rows come from an index range scan of (evidence_id, input_key) from
// the cursor on; the scans are merged in key order and grouped, so a page reads about as many
// rows as it shows (more only when a filter skips keys), never the whole set.
import { and, inArray, sql } from 'drizzle-orm'
import type { SQL } from 'drizzle-orm'
import type { ArenaTracePage, ArenaTraceRow, CompareTracesQuery } from '@tg/contracts'
import type { Executor } from '../../../db/client'
import { expertTraces } from '../../../db/schema'
import { invalidQuery, newestBenchmarkItems, requireFamilyVersions } from './repo'

const INPUT_KEY = /^[0-9a-f]{64}$/

function decodeInputKeyCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined
  if (!INPUT_KEY.test(cursor))
    throw invalidQuery('cursor', 'The cursor is not valid: use the nextCursor of a previous page.')
  return cursor
}

function havingOf(query: CompareTracesQuery): SQL | undefined {
  if (query.filter === 'failures') return sql`having min(score) < ${query.failuresBelow}::real`
  if (query.filter === 'disagreements') return sql`having count(distinct output_key) > 1`
  return undefined
}

async function pageKeys(ex: Executor, evidenceIds: string[], query: CompareTracesQuery, after: string | undefined) {
  const scans = evidenceIds.map(
    (id) =>
      sql`select input_key, output_key, score from expert_traces where evidence_id = ${id}::uuid${
        after === undefined ? sql`` : sql` and input_key > ${after}`
      }`,
  )
  const result = (await ex.execute(sql`
    select input_key from (${sql.join(scans, sql` union all `)}) as t
    group by input_key ${havingOf(query) ?? sql``}
    order by input_key
    limit ${query.limit + 1}`)) as unknown as { rows: Array<{ input_key: string }> }
  return result.rows.map((row) => row.input_key)
}

export async function compareTraces(
  ex: Executor,
  expertId: string,
  query: CompareTracesQuery,
): Promise<ArenaTracePage> {
  const after = decodeInputKeyCursor(query.cursor)
  const versions = await requireFamilyVersions(ex, expertId, query.versions)
  const items = await newestBenchmarkItems(ex, query.versions, query.benchmark)
  const evidenceOf = new Map(versions.flatMap((v) => (items.has(v.id) ? [[items.get(v.id)!.id, v.id] as const] : [])))
  if (evidenceOf.size === 0) return { items: [], nextCursor: null }
  const keys = await pageKeys(ex, [...evidenceOf.keys()], query, after)
  const pageKeysOnly = keys.slice(0, query.limit)
  if (pageKeysOnly.length === 0) return { items: [], nextCursor: null }
  const rows = await ex
    .selectDistinctOn([expertTraces.evidenceId, expertTraces.inputKey], {
      evidenceId: expertTraces.evidenceId,
      inputKey: expertTraces.inputKey,
      input: expertTraces.input,
      expected: expertTraces.expected,
      output: expertTraces.output,
      score: expertTraces.score,
      latencyMs: expertTraces.latencyMs,
    })
    .from(expertTraces)
    .where(and(inArray(expertTraces.evidenceId, [...evidenceOf.keys()]), inArray(expertTraces.inputKey, pageKeysOnly)))
    .orderBy(expertTraces.evidenceId, expertTraces.inputKey, expertTraces.ordinal)
  const byKey = new Map<string, Map<string, (typeof rows)[number]>>()
  for (const row of rows) {
    const versionId = evidenceOf.get(row.evidenceId)!
    if (!byKey.has(row.inputKey)) byKey.set(row.inputKey, new Map())
    byKey.get(row.inputKey)!.set(versionId, row)
  }
  const out: ArenaTraceRow[] = pageKeysOnly.map((inputKey) => {
    const found = byKey.get(inputKey) ?? new Map()
    const first = versions.map((v) => found.get(v.id)).find((row) => row !== undefined)
    return {
      inputKey,
      input: first?.input ?? null,
      expected: first?.expected ?? null,
      outputs: versions.map((v) => {
        const row = found.get(v.id)
        return row ? { versionId: v.id, output: row.output, score: row.score, latencyMs: row.latencyMs } : null
      }),
    }
  })
  return { items: out, nextCursor: keys.length > query.limit ? pageKeysOnly.at(-1)! : null }
}
