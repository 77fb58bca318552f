import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ListPackagesQuerySchema, ListRunsQuerySchema } from '@tg/contracts'
import { createDatabase } from '../db/client'
import { packagesPageQuery } from '../modules/tgsp/repo'
import { runsPageQuery } from '../modules/training/repo'
import { explain } from './explain'
import { createPostgresDatabase } from './harness'
import { seedPackages, seedRuns } from './list-seed'

// The packages and runs lists, first page of each sort the console offers: on PostgreSQL, with
// 20,000 packages, 5,000 runs and fresh statistics, each page is read in order from its index
// (migration 0018), not by sorting the whole table. Without the index (or, for the runs, with a
// `nulls last` on a NOT NULL column) the plan is a Seq Scan and a Sort.
const postgres = await createPostgresDatabase()
if ('skip' in postgres) console.warn(`[list-indexes.test] PostgreSQL tests skipped: ${postgres.skip}`)
const database = 'target' in postgres ? createDatabase(postgres.target) : null
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
  ])('runs %o: the page comes from %s', async (query, index) => {
    const plan = await explain(database!.db, runsPageQuery(database!.db, ListRunsQuerySchema.parse(query)).toSQL())
    expect(plan).toContain(index)
    expect(plan).not.toMatch(/Seq Scan on training_runs/)
  })
})
