import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'
import { asc } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { fromBase64, fromHex, parseVerifierKey, verifyBundle, verifyConsistency } from '@tg/contracts/formats/audit'
import { verifyTgspStream } from '@tg/contracts/formats/tgsp'
import type { DatabaseTarget } from '../db/client'
import { auditHead, auditLog, tgspBaseModels, users } from '../db/schema'
import { nodeSha256 } from '../lib/tgsp-crypto'
import { UPLOAD_PATH, makePackage, publisherKey, signing } from '../modules/tgsp/test-support'
import { KEY_MASTER, TEST_PASSWORD, createHarness, createPostgresDatabase, json } from '../test/harness'
import type { Harness } from '../test/harness'
import { listLocalBlobs } from './blobs'

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..')

/** One installation: a database and a blob folder, and the environment that points tgctl at them. */
type Site = { target: DatabaseTarget; blobDir: string; env: Record<string, string>; drop: () => Promise<void> }

function tgctl(args: string[], site: Site) {
  const env: Record<string, string | undefined> = { ...process.env, TG_ENV: 'test', TG_KEY_MASTER: KEY_MASTER }
  for (const name of ['DATABASE_URL', 'TG_DATA_DIR', 'TG_BLOB_DIR']) delete env[name]
  return spawnSync(process.execPath, ['--import', 'tsx', 'bff/src/cli/tgctl.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...env, ...site.env },
    timeout: 120_000,
  })
}

/** tgctl in the background, while the test process keeps serving writes. */
function tgctlAsync(args: string[], site: Site): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env, TG_ENV: 'test', TG_KEY_MASTER: KEY_MASTER }
  for (const name of ['DATABASE_URL', 'TG_DATA_DIR', 'TG_BLOB_DIR']) delete env[name]
  const child = spawn(process.execPath, ['--import', 'tsx', 'bff/src/cli/tgctl.ts', ...args], {
    cwd: root,
    env: { ...env, ...site.env },
    timeout: 120_000,
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((done) => child.on('close', (status) => done({ status, stdout, stderr })))
}

/** Runs `backup` while users keep being created (each with its audit entry): the archive must be one snapshot. */
async function backupWhileWriting(h: Harness, args: string[], site: Site) {
  let finished = false
  const backup = tgctlAsync(args, site).finally(() => (finished = true))
  let written = 0
  while (!finished) {
    await h.createUser(`live${written}`, ['viewer'])
    written++
  }
  return { ...(await backup), written }
}

function pgliteSite(): Site {
  const dataDir = mkdtempSync(join(tmpdir(), 'tg-restore-'))
  return {
    target: { kind: 'pglite', dir: join(dataDir, 'pglite') },
    blobDir: join(dataDir, 'blobs'),
    env: { TG_DATA_DIR: dataDir },
    drop: async () => undefined,
  }
}

async function postgresSite(): Promise<Site | { skip: string }> {
  const pg = await createPostgresDatabase()
  if ('skip' in pg) return pg
  const blobDir = mkdtempSync(join(tmpdir(), 'tg-restore-blobs-'))
  const url = (pg.target as { url: string }).url
  return { target: pg.target, blobDir, env: { DATABASE_URL: url, TG_BLOB_DIR: blobDir }, drop: pg.drop }
}

const open = (site: Site, initializeAudit = true) =>
  createHarness({ target: site.target, tgsp: { blobDir: site.blobDir }, initializeAudit })

/** Users, audit entries, two packages with their files, a training run with rounds, a checkpoint. */
async function createState(h: Harness) {
  const key = await publisherKey(h)
  const packages: { id: string; contentId: string }[] = []
  for (const size of [64, 300 * 1024]) {
    const res = await h.request('POST', UPLOAD_PATH, {
      bearer: key,
      rawBody: makePackage(size),
      headers: { 'content-type': 'application/octet-stream' },
    })
    expect(res.status, await res.clone().text()).toBe(201)
    packages.push(await json<{ id: string; contentId: string }>(res))
  }
  const operator = await h.userSession('otto', ['operator'])
  const dp = { noiseMultiplier: 1.1, clippingNorm: 1, sampleRate: 0.01, delta: 1e-5, epsilonBudget: 3 }
  const runRes = await h.request('POST', '/api/v1/training/runs', {
    ...operator,
    body: {
      name: 'support-bot lora',
      baseModel: 'llama-3-8b',
      adapter: { method: 'lora', rank: 16, alpha: 32, targetModules: ['q_proj', 'v_proj'] },
      plannedRounds: 20,
      stepsPerRound: 100,
      dp,
    },
  })
  expect(runRes.status).toBe(201)
  const run = await json<{ id: string }>(runRes)
  const agent = await h.request('POST', `/api/v1/training/runs/${run.id}/agent-keys`, {
    ...operator,
    body: { name: 'agent-1' },
  })
  const { secret: agentKey } = await json<{ secret: string }>(agent)
  for (const index of [0, 1]) expect((await reportRound(h, run.id, agentKey, index)).status).toBe(201)
  const { checkpoint } = await h.services.audit.createCheckpoint()
  const keys = (await h.services.audit.keys(false)).keys.map((k) => parseVerifierKey(k.verifierKey))
  const runPage = await json(await h.request('GET', `/api/v1/training/runs/${run.id}`, operator))
  return { packages, run: runPage, runId: run.id, agentKey, checkpoint, keys }
}

const reportRound = (h: Harness, runId: string, bearer: string, index: number) =>
  h.request('POST', `/api/v1/training/runs/${runId}/rounds`, {
    bearer,
    body: {
      index,
      clients: 8,
      steps: 100,
      sampleRate: 0.01,
      noiseMultiplier: 1.1,
      clippingNorm: 1,
      metrics: {
        loss: 2 - index * 0.05,
        accuracy: 0.5 + index * 0.01,
        meanGradNorm: 0.9,
        clippedFraction: 0.1,
        perplexity: 7,
      },
      startedAt: `2026-11-30T10:0${index}:00.000Z`,
      endedAt: `2026-11-30T10:0${index}:30.123Z`,
    },
  })

/** Flips one byte inside the rows of the users table (the tar headers stay valid: only the part's hash can tell). */
function corruptUsersPart(archive: string, out: string) {
  const tar = gunzipSync(readFileSync(archive))
  const at = tar.indexOf('"display_name":"otto"')
  expect(at).toBeGreaterThan(0)
  tar[at + 17] = 'p'.charCodeAt(0)
  writeFileSync(out, gzipSync(tar))
}

async function expectNothingWritten(site: Site) {
  const h = await open(site, false)
  try {
    expect(await h.database.db.select().from(users)).toEqual([])
    const blobs: string[] = []
    for await (const id of listLocalBlobs(site.blobDir)) blobs.push(id)
    expect(blobs).toEqual([])
  } finally {
    await h.close()
  }
}

function suite(name: string, makeSite: () => Promise<Site | { skip: string }>, serverRuns: boolean) {
  it(`backs up ${name}, refuses a corrupt archive, restores into an empty one with the same audit root and packages that open`, async (t) => {
    const sites: Site[] = []
    const site = async () => {
      const made = await makeSite()
      if ('skip' in made) {
        console.warn(`backup and restore on ${name} skipped: ${made.skip}`)
        t.skip()
        throw new Error('skipped')
      }
      sites.push(made)
      return made
    }
    try {
      const source = await site()
      const work = mkdtempSync(join(tmpdir(), 'tg-archive-'))
      const archive = join(work, 'backup.tgz')

      const h = await open(source)
      const before = await createState(h)
      const packagesBefore = await json(
        await h.request('GET', '/api/v1/tgsp/packages', await h.userSession('ada', ['admin'])),
      )
      await h.services.audit.drain()
      const headBefore = await h.database.db.select().from(auditHead)
      const readSource = async () => ({
        sourceLeaves: (await h.database.db.select().from(auditLog).orderBy(asc(auditLog.seq))).map((e) =>
          Buffer.from(e.leafHash).toString('hex'),
        ),
        sourceUsers: (await h.database.db.select().from(users)).map((u) => u.username),
      })
      const sourceAtStop = serverRuns ? null : await readSource()
      // PostgreSQL is backed up while the server runs; the embedded database with the server stopped.
      if (!serverRuns) await h.close()
      const backup = serverRuns
        ? await backupWhileWriting(h, ['backup', '--out', archive], source)
        : { ...tgctl(['backup', '--out', archive], source), written: 0 }
      expect(backup.stderr).toBe('')
      expect(backup.status).toBe(0)
      expect(backup.stdout).toMatch(/Backed up \d+ tables \(\d+ rows\) and 2 package file\(s\)/)
      expect(backup.stdout).toContain('TG_KEY_MASTER')
      expect(tgctl(['backup', '--out', archive], source).stderr).toContain('exists already')
      if (serverRuns) {
        expect(backup.written).toBeGreaterThan(0)
        await h.services.audit.drain()
      }
      const { sourceLeaves, sourceUsers } = serverRuns ? await readSource() : sourceAtStop!
      if (serverRuns) await h.close()

      // A corrupt archive and a truncated one are refused before anything is written.
      const corrupt = join(work, 'corrupt.tgz')
      corruptUsersPart(archive, corrupt)
      const refusedSite = await site()
      const refused = tgctl(['restore', '--from', corrupt], refusedSite)
      expect(refused.status).toBe(1)
      expect(refused.stderr).toMatch(
        /The archive is corrupt; nothing was restored:\n {2}tables\/\d+-users\.ndjson does not match its SHA-256/,
      )
      const truncated = join(work, 'truncated.tgz')
      const bytes = readFileSync(archive)
      writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)))
      const cut = tgctl(['restore', '--from', truncated], refusedSite)
      expect(cut.status).toBe(1)
      expect(cut.stderr).toContain('The archive is damaged or not a backup archive')
      await expectNothingWritten(refusedSite)

      const target = await site()
      const restored = tgctl(['restore', '--from', archive], target)
      expect(restored.stderr).toBe('')
      expect(restored.status).toBe(0)
      expect(restored.stdout).toMatch(/Restored \d+ tables \(\d+ rows\) and 2 package file\(s\)/)
      const again = tgctl(['restore', '--from', archive], target)
      expect(again.status).toBe(1)
      expect(again.stderr).toContain('The database is not empty')

      const r = await open(target, false)
      try {
        // The same tree: size, frontier (its root) and newest leaf; the same signed checkpoint. On a
        // server that kept writing, the snapshot's tree: a prefix of the source's leaves.
        const [head] = await r.database.db.select().from(auditHead)
        if (!serverRuns) expect([head]).toEqual(headBefore)
        const leaves = (await r.database.db.select().from(auditLog).orderBy(asc(auditLog.seq))).map((e) =>
          Buffer.from(e.leafHash).toString('hex'),
        )
        expect(leaves.length).toBe(head!.treeSize)
        expect(leaves).toEqual(sourceLeaves.slice(0, leaves.length))
        expect(await r.services.audit.latestCheckpoint()).toEqual(before.checkpoint)
        await r.services.audit.initialize()
        const integrity = await r.services.audit.checkIntegrity()
        expect(integrity.state.status).toBe('ok')
        expect(integrity.newFinding).toBeNull()
        const entries = await r.auditEntries()
        expect(entries.at(-1)?.body.action).toBe('backup.restored')
        const { checkpoint: after } = await r.services.audit.createCheckpoint()
        const proof = await r.services.audit.consistency(before.checkpoint.treeSize, after.treeSize)
        expect(
          verifyConsistency({
            oldSize: before.checkpoint.treeSize,
            newSize: after.treeSize,
            oldRoot: fromBase64(before.checkpoint.rootHash),
            newRoot: fromBase64(after.rootHash),
            proof: proof.hashes.map(fromHex),
          }),
        ).toBe(true)
        const bundle = await r.services.audit.exportBundle({})
        expect(await verifyBundle(bundle, { trustedKeys: before.keys })).toMatchObject({ ok: true })

        // Every package opens: its file passes every check and has the archived content id.
        const admin = await r.signIn('ada')
        expect(await json(await r.request('GET', '/api/v1/tgsp/packages', admin))).toEqual(packagesBefore)
        // The base-model counts are rebuilt by the restored packages' inserts, once each.
        const counts = await r.database.db.select().from(tgspBaseModels).orderBy(asc(tgspBaseModels.name))
        expect(counts).toEqual([{ name: 'llama-3-8b', packages: before.packages.length }])
        for (const pkg of before.packages) {
          const res = await r.request('GET', `/api/v1/tgsp/packages/${pkg.id}/download`, admin)
          expect(res.status).toBe(200)
          const file = new Uint8Array(await res.arrayBuffer())
          const verified = await verifyTgspStream(Readable.from([file]), {
            maxPayloadBytes: Number.MAX_SAFE_INTEGER,
            totalBytes: file.byteLength,
            createSha256: nodeSha256,
            signers: [{ id: 'p', name: 'Fault Test ML', ...signing.publicKey, revoked: false }],
          })
          expect(Object.values(verified.checks).every((c) => c.ok)).toBe(true)
          expect(verified.parsed?.contentId).toBe(pkg.contentId)
        }

        // Users sign in with their passwords; the run is exact; sequences and the agent key work on.
        const operator = await r.signIn('otto', TEST_PASSWORD)
        expect(await json(await r.request('GET', `/api/v1/training/runs/${before.runId}`, operator))).toEqual(
          before.run,
        )
        expect((await reportRound(r, before.runId, before.agentKey, 2)).status).toBe(201)
        // One snapshot: every restored user has its creation entry in the restored log, and no entry names a missing user.
        const restoredUsers = await r.database.db.select().from(users)
        const names = restoredUsers.map((u) => u.username)
        expect(names.filter((n) => !n.startsWith('live')).sort()).toEqual(['ada', 'otto', 'root'])
        for (const n of names) expect(sourceUsers).toContain(n)
        const created = new Set(
          (await r.auditEntries()).filter((e) => e.body.action === 'admin.user_created').map((e) => e.body.resource.id),
        )
        expect([...created].sort()).toEqual(restoredUsers.map((u) => u.id).sort())
      } finally {
        await r.close()
      }
    } catch (err) {
      if ((err as Error).message !== 'skipped') throw err
    } finally {
      for (const s of sites) await s.drop()
    }
  })
}

describe('pnpm tgctl backup / restore', { timeout: 300_000 }, () => {
  suite('PGlite', async () => pgliteSite(), false)
  suite('PostgreSQL', postgresSite, true)
})
