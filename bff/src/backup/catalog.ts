/**
 * What a backup reads from the database's own catalog: the application's tables in foreign-key
 * order, their columns and primary keys, the sequences behind serial columns, and the migration
 * level. Works the same on PostgreSQL and PGlite.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import type { Executor } from '../db/client'

export type TableInfo = {
  name: string
  /** Stored columns in their table order (generated columns are left out: the database computes them). */
  columns: string[]
  primaryKey: string[]
  /** Columns whose default draws from a sequence. */
  serials: string[]
}

/**
 * Tables the migrations themselves fill (the audit head, the self-check alarm, the platform's
 * default promotion gate): a freshly migrated database has these rows, and a restore replaces them.
 */
export const SEEDED_BY_MIGRATIONS = new Set(['audit_head', 'audit_integrity', 'expert_gate_policies'])

/**
 * Tables that triggers derive from other tables (the packages list's base-model options, from
 * `tgsp_packages`): not archived, since a restore's inserts rebuild them (restoring them as well
 * would count every package twice).
 */
export const DERIVED_BY_TRIGGERS = new Set(['tgsp_base_models'])

type Rows<T> = { rows: T[] }
async function rowsOf<T>(db: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(query)) as unknown as Rows<T>).rows
}

/** Quotes an identifier that came from the catalog. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

/** Every table of the `public` schema, parents before the tables that reference them. */
export async function listTables(db: Executor): Promise<TableInfo[]> {
  const columns = await rowsOf<{ table: string; column: string; serial: boolean }>(
    db,
    sql`select c.relname as "table", a.attname as "column",
          coalesce(pg_get_expr(d.adbin, d.adrelid) like 'nextval(%', false) as "serial"
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
        join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
        left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
        where c.relkind = 'r'
        order by c.relname, a.attnum`,
  )
  const keys = await rowsOf<{ table: string; column: string }>(
    db,
    sql`select c.relname as "table", a.attname as "column"
        from pg_index i
        join pg_class c on c.oid = i.indrelid
        join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
        cross join lateral unnest(i.indkey) with ordinality as k(attnum, ord)
        join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
        where i.indisprimary
        order by c.relname, k.ord`,
  )
  const references = await rowsOf<{ child: string; parent: string }>(
    db,
    sql`select distinct c.relname as "child", p.relname as "parent"
        from pg_constraint f
        join pg_class c on c.oid = f.conrelid
        join pg_class p on p.oid = f.confrelid
        join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
        where f.contype = 'f' and f.conrelid <> f.confrelid`,
  )
  const tables = new Map<string, TableInfo>()
  for (const row of columns) {
    if (DERIVED_BY_TRIGGERS.has(row.table)) continue
    const table = tables.get(row.table) ?? { name: row.table, columns: [], primaryKey: [], serials: [] }
    table.columns.push(row.column)
    if (row.serial) table.serials.push(row.column)
    tables.set(row.table, table)
  }
  for (const row of keys) tables.get(row.table)?.primaryKey.push(row.column)
  return orderByReferences([...tables.values()], references)
}

/** Topological order (parents first), ties by name, so that the same schema gives the same order. */
function orderByReferences(tables: TableInfo[], references: { child: string; parent: string }[]): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]))
  const parents = new Map(tables.map((t) => [t.name, new Set<string>()]))
  for (const { child, parent } of references) if (byName.has(parent)) parents.get(child)?.add(parent)
  const ordered: TableInfo[] = []
  const placed = new Set<string>()
  while (ordered.length < tables.length) {
    const ready = [...byName.keys()]
      .filter((name) => !placed.has(name) && [...parents.get(name)!].every((p) => placed.has(p)))
      .sort()
    if (ready.length === 0) throw new Error('The tables reference each other in a cycle; they cannot be ordered.')
    for (const name of ready) {
      placed.add(name)
      ordered.push(byName.get(name)!)
    }
  }
  return ordered
}

export type SequenceState = { table: string; column: string; lastValue: string; isCalled: boolean }

/** The sequence behind each serial column, with its current value. */
export async function readSequences(db: Executor, tables: TableInfo[]): Promise<SequenceState[]> {
  const states: SequenceState[] = []
  for (const table of tables)
    for (const column of table.serials) {
      const [seq] = await rowsOf<{ name: string | null }>(
        db,
        sql`select pg_get_serial_sequence(${ident(table.name)}, ${column}) as "name"`,
      )
      if (!seq?.name) continue
      const [state] = await rowsOf<{ last_value: string | number; is_called: boolean }>(
        db,
        sql.raw(`select last_value::text as last_value, is_called from ${seq.name}`),
      )
      states.push({ table: table.name, column, lastValue: String(state!.last_value), isCalled: state!.is_called })
    }
  return states
}

/** Sets each serial column's sequence past both its archived value and the restored rows. */
export async function resetSequences(db: Executor, states: SequenceState[]): Promise<void> {
  for (const s of states) {
    const [max] = await rowsOf<{ max: string | null }>(
      db,
      sql.raw(`select max(${ident(s.column)})::text as max from ${ident(s.table)}`),
    )
    const archived = BigInt(s.lastValue) - (s.isCalled ? 0n : 1n)
    const highest = [archived, BigInt(max?.max ?? '0')].reduce((a, b) => (a > b ? a : b))
    await db.execute(
      highest >= 1n
        ? sql`select setval(pg_get_serial_sequence(${ident(s.table)}, ${s.column}), ${highest.toString()}::bigint, true)`
        : sql`select setval(pg_get_serial_sequence(${ident(s.table)}, ${s.column}), 1, false)`,
    )
  }
}

const JOURNAL = fileURLToPath(new URL('../db/migrations/meta/_journal.json', import.meta.url))

export type MigrationLevel = { tag: string; count: number }

/** The newest migration this build carries. */
export function buildMigrationLevel(): MigrationLevel {
  const { entries } = JSON.parse(readFileSync(JOURNAL, 'utf8')) as { entries: { tag: string }[] }
  return { tag: entries.at(-1)?.tag ?? 'none', count: entries.length }
}

/** The newest migration applied to the database, named by the journal entry it came from. */
export async function databaseMigrationLevel(db: Executor): Promise<MigrationLevel> {
  const { entries } = JSON.parse(readFileSync(JOURNAL, 'utf8')) as { entries: { tag: string; when: number }[] }
  const [row] = await rowsOf<{ created_at: string | null; count: string | number }>(
    db,
    sql`select max(created_at)::text as created_at, count(*) as count from drizzle.__drizzle_migrations`,
  )
  const last = Number(row?.created_at ?? 0)
  const entry = entries.find((e) => e.when === last)
  return { tag: entry?.tag ?? `unknown (applied at ${last})`, count: Number(row?.count ?? 0) }
}

/** Tables (other than those the migrations fill) that hold rows, with their counts. */
export async function nonEmptyTables(db: Executor, tables: TableInfo[]): Promise<{ table: string; rows: number }[]> {
  const found: { table: string; rows: number }[] = []
  for (const table of tables) {
    if (SEEDED_BY_MIGRATIONS.has(table.name)) continue
    const [row] = await rowsOf<{ n: string | number }>(db, sql.raw(`select count(*) as n from ${ident(table.name)}`))
    const rows = Number(row?.n ?? 0)
    if (rows > 0) found.push({ table: table.name, rows })
  }
  return found
}
