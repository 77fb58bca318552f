import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createPgliteInChild } from '../../bff/src/db/pglite-setup'

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..')

/**
 * One embedded database, made once the way a first start makes it (initdb and every migration,
 * in a child process: `createPgliteInChild`), which each spec's server copies into its fresh data
 * directory instead of making its own (about 5 s of CPU a server, some 40 servers a run). Workers
 * inherit the environment set here. The first start's own creation of the database is tested in
 * the BFF's tests (`pglite-setup.test.ts`, `process.test.ts`) and by servers given a data
 * directory of their own.
 */
export default async function globalSetup(): Promise<() => void> {
  const parent = mkdtempSync(join(tmpdir(), 'tg-e2e-template-'))
  await createPgliteInChild(join(parent, 'pglite'), join(REPO_ROOT, 'bff/src/db/migrations'))
  process.env.TG_E2E_PGLITE_TEMPLATE = join(parent, 'pglite')
  return () => rmSync(parent, { recursive: true, force: true })
}
