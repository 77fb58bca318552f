import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ListPackagesQuerySchema } from '@tg/contracts'
import { createDatabase } from '../../db/client'
import { seedPackages } from '../../test/list-seed'
import { listPackages } from './repo'

// The packages list's base-model options come from tgsp_base_models, kept by triggers on
// tgsp_packages (migration 0019): they must follow every insert, change and delete of a package,
// whoever writes it, and a base model no package names any more must leave the list.
const dir = mkdtempSync(join(tmpdir(), 'tg-base-models-'))
const database = createDatabase({ kind: 'pglite', dir: join(dir, 'pglite') })
const { db } = database
const facets = async () => (await listPackages(db, ListPackagesQuerySchema.parse({}))).facets.baseModels

beforeAll(async () => {
  await database.migrate()
  await seedPackages(db, 8) // base models cycle through llama-3-8b, mistral-7b, qwen2-7b, phi-3
})
afterAll(async () => {
  await database.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('packages list base-model options', () => {
  it('lists every base model a package names, once, sorted', async () => {
    expect(await facets()).toEqual(['llama-3-8b', 'mistral-7b', 'phi-3', 'qwen2-7b'])
  })

  it('follows a changed and a deleted package', async () => {
    // Packages 4 and 8 alone name llama-3-8b (g % 4 = 0): move one to a new model and a repeated one, delete the other.
    await db.execute(
      sql`update tgsp_packages set base_models = array['clip-vit', 'clip-vit'] where package_id = 'com.bench.model4'`,
    )
    expect(await facets()).toEqual(['clip-vit', 'llama-3-8b', 'mistral-7b', 'phi-3', 'qwen2-7b'])
    await db.execute(sql`delete from tgsp_packages where package_id = 'com.bench.model8'`)
    expect(await facets()).toEqual(['clip-vit', 'mistral-7b', 'phi-3', 'qwen2-7b'])
    await db.execute(sql`delete from tgsp_packages where package_id = 'com.bench.model4'`)
    expect(await facets()).toEqual(['mistral-7b', 'phi-3', 'qwen2-7b'])
  })
})
