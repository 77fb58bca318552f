// The arena's trace viewer: the versions' traces aligned by the input's canonical hash, paged by
// that hash. Each version's rows come from an index range scan of (evidence_id, input_key) from
// the cursor on; the scans are merged in key order and grouped here, so a page reads about as
// many rows as it shows (more only when a filter skips keys), never the whole set.
import { and, asc, eq, gt, inArray } from 'drizzle-orm'
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

type KeyRow = { inputKey: string; outputKey: string; score: number }

/** The next `window` traces of one item in input-key order after a key: an index range scan. */
function scan(ex: Executor, evidenceId: string, after: string | undefined, window: number): Promise<KeyRow[]> {
  return ex
    .select({ inputKey: expertTraces.inputKey, outputKey: expertTraces.outputKey, score: expertTraces.score })
    .from(expertTraces)
    .where(
      and(eq(expertTraces.evidenceId, evidenceId), after === undefined ? undefined : gt(expertTraces.inputKey, after)),
    )
    .orderBy(asc(expertTraces.inputKey))
    .limit(window)
}

function passes(query: CompareTracesQuery, rows: KeyRow[]): boolean {
  if (query.filter === 'failures') return rows.some((row) => row.score < query.failuresBelow)
  if (query.filter === 'disagreements') return new Set(rows.map((row) => row.outputKey)).size > 1
  return true
}

/**
 * The next `limit + 1` input keys that pass the filter, merged from one index range scan per
 * item. A round reads a window of each item; a key is complete once it is below the smallest last
 * key of the items that filled their window. Sparse filters widen the window each round.
 */
async function pageKeys(ex: Executor, evidenceIds: string[], query: CompareTracesQuery, after: string | undefined) {
  const found: string[] = []
  let from = after
  let window = query.filter === 'all' ? query.limit + 2 : Math.max(query.limit + 2, 256)
  for (;;) {
    const scans: KeyRow[][] = []
    for (const id of evidenceIds) scans.push(await scan(ex, id, from, window))
    const full = scans.filter((rows) => rows.length === window).map((rows) => rows.at(-1)!.inputKey)
    const horizon = full.length === 0 ? undefined : full.sort()[0]!
    const groups = new Map<string, KeyRow[]>()
    for (const row of scans.flat()) groups.set(row.inputKey, [...(groups.get(row.inputKey) ?? []), row])
    const keys = [...groups.keys()].sort()
    // Keys equal to the horizon may continue past a window; only a horizon of duplicates takes them.
    let complete = horizon === undefined ? keys : keys.filter((key) => key < horizon)
    if (complete.length === 0 && horizon !== undefined) complete = keys.filter((key) => key <= horizon)
    for (const key of complete) {
      if (passes(query, groups.get(key)!)) found.push(key)
      if (found.length > query.limit) return found
    }
    if (horizon === undefined) return found
    from = complete.at(-1)!
    window = Math.min(window * 2, 8192)
  }
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
