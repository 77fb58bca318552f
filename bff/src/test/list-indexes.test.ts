import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ListPackagesQuerySchema, ListRunsQuerySchema } from '@tg/contracts'
import { createDatabase } from '../db/client'
import { listPackages, packagesPageQuery } from '../modules/tgsp/repo'
import { listRuns, runsPageQuery } from '../modules/training/repo'
import { explain } from './explain'
import { createPostgresDatabase } from './harness'
import { seedPackages, seedRuns } from './list-seed'

// The packages and runs lists, first page of each sort the console offers: on PostgreSQL, with
// 20,000 packages, 5,000 runs and fresh statistics, each page is read in order from its index
// (migration 0018), not by sorting the whole table. Without the index (or, for the runs, with a
// `nulls last` on a NOT NULL column) the plan is a Seq Scan and a Sort.
const postgres = await createPostgresDatabase()
if ('skip' in postgres) console.warn(`[list-indexes.test] PostgreSQL tests skipped: ${postgres.skip}`)
// The bulk seed runs past the pool's default 5 s statement timeout on a loaded machine (GIN trigram indexes).
const database = 'target' in postgres ? createDatabase(postgres.target, { timeoutMs: 120_000 }) : null
afterAll(async () => {
  await database?.close()
  if ('drop' in postgres) await postgres.drop()
})

describe.skipIf(!database)('list indexes on PostgreSQL', () => {
  beforeAll(async () => {
    await database!.migrate()
    await seedPackages(database!.db, 20_000)
    await seedRuns(database!.db, 5_000)
    await database!.db.execute(sql`analyze`)
  })

  it.each([
    [{ sort: 'modelName', order: 'asc' }, 'tgsp_packages_model_name_idx'],
    [{ sort: 'sizeBytes', order: 'desc' }, 'tgsp_packages_size_idx'],
    [{ sort: 'downloads', order: 'desc' }, 'tgsp_packages_downloads_idx'],
    [{ status: 'signer_revoked' }, 'tgsp_packages_status_idx'],
    [{}, 'tgsp_packages_uploaded_idx'],
  ])('packages %o: the page comes from %s', async (query, index) => {
    const plan = await explain(
      database!.db,
      packagesPageQuery(database!.db, ListPackagesQuerySchema.parse(query)).toSQL(),
    )
    expect(plan).toContain(index)
    expect(plan).not.toMatch(/Seq Scan on tgsp_packages/)
  })

  it.each([
    [{}, 'training_runs_created_idx'],
    [{ sort: 'name', order: 'asc' }, 'training_runs_name_idx'],
    [{ sort: 'epsilonSpent', order: 'desc' }, 'training_runs_epsilon_idx'],
    [{ sort: 'lastReportAt', order: 'desc' }, 'training_runs_last_report_idx'],
    [{ sort: 'lastReportAt', order: 'asc' }, 'training_runs_last_report_asc_idx'],
  ])('runs %o: the page comes from %s', async (query, index) => {
    const plan = await explain(database!.db, runsPageQuery(database!.db, ListRunsQuerySchema.parse(query)).toSQL())
    expect(plan).toContain(index)
    expect(plan).not.toMatch(/Seq Scan on training_runs/)
  })

  // A deep page by cursor: the cursor's (value, id) is the start of an index range (an Index Cond
  // on the row comparison), not an offset walked over or a filter on every row before it.
  const deepPackages = [
    [{ sort: 'uploadedAt', order: 'desc' }, 'tgsp_packages_uploaded_idx'],
    [{ sort: 'uploadedAt', order: 'asc' }, 'tgsp_packages_uploaded_idx'],
    [{ sort: 'modelName', order: 'asc' }, 'tgsp_packages_model_name_idx'],
    [{ sort: 'sizeBytes', order: 'desc' }, 'tgsp_packages_size_idx'],
    [{ sort: 'downloads', order: 'asc' }, 'tgsp_packages_downloads_idx'],
    [{ status: 'signer_revoked' }, 'tgsp_packages_status_idx'],
  ] as const
  it.each(deepPackages)('packages %o after a cursor: an index range of %s', async (filters, index) => {
    const first = await listPackages(database!.db, ListPackagesQuerySchema.parse({ ...filters, limit: 200 }))
    expect(first.nextCursor).not.toBeNull()
    const query = ListPackagesQuerySchema.parse({ ...filters, limit: 50, cursor: first.nextCursor })
    const plan = await explain(database!.db, packagesPageQuery(database!.db, query).toSQL())
    expect(plan).toContain(index)
    expect(plan).toMatch(/Index Cond: .*ROW\(/)
    expect(plan).not.toMatch(/Seq Scan on tgsp_packages|Sort Key/)
  })

  const deepRuns = [
    [{}, 'training_runs_created_idx'],
    [{ sort: 'name', order: 'asc' }, 'training_runs_name_idx'],
    [{ sort: 'epsilonSpent', order: 'desc' }, 'training_runs_epsilon_idx'],
  ] as const
  it.each(deepRuns)('runs %o after a cursor: an index range of %s', async (filters, index) => {
    const first = await listRuns(database!.db, ListRunsQuerySchema.parse({ ...filters, limit: 200 }))
    expect(first.nextCursor).not.toBeNull()
    const query = ListRunsQuerySchema.parse({ ...filters, limit: 50, cursor: first.nextCursor })
    const plan = await explain(database!.db, runsPageQuery(database!.db, query).toSQL())
    expect(plan).toContain(index)
    expect(plan).toMatch(/Index Cond: .*ROW\(/)
    expect(plan).not.toMatch(/Seq Scan on training_runs|Sort Key/)
  })

  // Substring search: the trigram indexes of migration 0021 (pg_trgm) find the few matching rows;
  // without them `ilike '%...%'` reads every row (a Seq Scan, or the whole sort index).
  it('packages q: model name and package id from their trigram indexes', async () => {
    const query = ListPackagesQuerySchema.parse({ q: 'bench model 12345' })
    const plan = await explain(database!.db, packagesPageQuery(database!.db, query).toSQL())
    expect(plan).toContain('tgsp_packages_model_name_trgm_idx')
    expect(plan).toContain('tgsp_packages_package_id_trgm_idx')
    expect(plan).not.toMatch(/Seq Scan on tgsp_packages/)
  })

  it('runs q: name and base model from their trigram indexes', async () => {
    const query = ListRunsQuerySchema.parse({ q: 'run 1234' })
    const plan = await explain(database!.db, runsPageQuery(database!.db, query).toSQL())
    expect(plan).toContain('training_runs_name_trgm_idx')
    expect(plan).toContain('training_runs_base_model_trgm_idx')
    expect(plan).not.toMatch(/Seq Scan on training_runs/)
  })
})
