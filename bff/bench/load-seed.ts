/**
 * What `pnpm bench:load` sets up through the real API before the load starts: the first admin
 * (from the setup link), reader users with sessions, users who sign in during the load, a
 * publisher and its API key, packages to label, training runs with their agent keys; and the
 * signed TGSP packages uploaded during the load (built here, before the clock starts).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CreateRunBody } from '@tg/contracts'
import { generateEncryptionKeyPair, generateSigningKeyPair } from '@tg/contracts/formats/tgsp'
import type { SigningPublicKey, SigningSecretKey } from '@tg/contracts/formats/tgsp'
import { buildPackageFile } from '../src/cli/tgsp/build'
import type { Session } from './load-plan'

export const PASSWORD = 'load bench password for every user'
const READERS = 4
const SIGNERS = 4
const RUNS = 4
const SEED_PACKAGES = 8

async function call(url: string, method: string, path: string, init: { body?: unknown; session?: Session } = {}) {
  const headers: Record<string, string> = { origin: url }
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  if (init.session) {
    headers.cookie = `tg_session=${init.session.cookie}`
    headers['x-csrf-token'] = init.session.csrf
  }
  const res = await fetch(`${url}${path}`, {
    method,
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`seed ${method} ${path}: ${res.status} ${text.slice(0, 300)}`)
  return { res, body: JSON.parse(text) as Record<string, unknown> }
}

function sessionOf(r: Awaited<ReturnType<typeof call>>): Session {
  const cookie = /tg_session=([^;]+)/.exec(r.res.headers.get('set-cookie') ?? '')?.[1]
  if (!cookie) throw new Error('seed: no session cookie')
  return { cookie, csrf: String(r.body.csrfToken) }
}

export function runBody(name: string): CreateRunBody {
  return {
    name,
    baseModel: 'llama-3-8b',
    adapter: { method: 'lora', rank: 8, alpha: 16, targetModules: ['q_proj'] },
    plannedRounds: 1_000_000,
    stepsPerRound: 1,
    dp: {
      noiseMultiplier: 1.1,
      clippingNorm: 1,
      sampleRate: 0.001,
      delta: 1e-5,
      epsilonBudget: 1000,
      datasetSize: null,
    },
  }
}

type Signing = { secretKey: SigningSecretKey; publicKey: SigningPublicKey }

/** Builds `count` signed packages of one model, versions `1.0.<from + i>`, into `dir`. */
export async function buildPackages(dir: string, signing: Signing, from: number, count: number) {
  const input = join(dir, 'adapter')
  mkdirSync(input, { recursive: true })
  writeFileSync(join(input, 'adapter_config.json'), JSON.stringify({ r: 8, lora_alpha: 16 }))
  writeFileSync(join(input, 'adapter_model.bin'), Buffer.alloc(64 * 1024, 7))
  const recipient = generateEncryptionKeyPair()
  const files: string[] = []
  for (let i = from; i < from + count; i++) {
    const { file } = await buildPackageFile({
      inputDir: input,
      out: join(dir, `load-${i}.tgsp`),
      modelName: 'load-adapter',
      modelVersion: `1.0.${i}`,
      recipients: [recipient.publicKey],
      signingKey: signing.secretKey,
      signingPub: signing.publicKey,
      baseModels: ['llama-3-8b'],
    })
    files.push(file)
  }
  return files
}

export async function upload(url: string, key: string, bytes: Uint8Array) {
  const res = await fetch(`${url}/api/v1/tgsp/packages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/octet-stream' },
    body: bytes,
  })
  return res
}

/** Seeds the server through its API; returns the plan without its upload files and timing. */
export async function seed(url: string, setupUrl: string, work: string, uploadCount: number) {
  const token = new URL(setupUrl).hash.replace('#token=', '')
  const admin = sessionOf(
    await call(url, 'POST', '/api/v1/auth/setup', {
      body: { token, username: 'admin', displayName: 'Load Admin', password: PASSWORD },
    }),
  )
  const createUser = (username: string, roles: string[]) =>
    call(url, 'POST', '/api/v1/admin/users', {
      session: admin,
      body: { username, displayName: username, password: PASSWORD, roles },
    })
  const readers: Session[] = []
  for (let i = 0; i < READERS; i++) {
    await createUser(`reader${i}`, ['admin'])
    readers.push(
      sessionOf(
        await call(url, 'POST', '/api/v1/auth/sign-in', { body: { username: `reader${i}`, password: PASSWORD } }),
      ),
    )
  }
  const signers = []
  for (let i = 0; i < SIGNERS; i++) {
    await createUser(`signer${i}`, ['viewer'])
    signers.push({ username: `signer${i}`, password: PASSWORD })
  }

  const signing = generateSigningKeyPair()
  await call(url, 'POST', '/api/v1/tgsp/publishers', {
    session: admin,
    body: { name: 'Load publisher', classic: signing.publicKey.classic, pqc: signing.publicKey.pqc },
  })
  const publisherKey = String(
    (
      await call(url, 'POST', '/api/v1/admin/api-keys', {
        session: admin,
        body: { name: 'load', roles: ['publisher'] },
      })
    ).body.secret,
  )
  const packageIds: string[] = []
  for (const file of await buildPackages(join(work, 'seed'), signing, 0, SEED_PACKAGES)) {
    const res = await upload(url, publisherKey, readFileSync(file))
    if (res.status !== 201) throw new Error(`seed upload: ${res.status} ${await res.text()}`)
    packageIds.push(String(((await res.json()) as { id: string }).id))
  }
  const started = performance.now()
  const uploads = await buildPackages(join(work, 'uploads'), signing, SEED_PACKAGES, uploadCount)
  const buildSeconds = (performance.now() - started) / 1000

  const runs = []
  for (let i = 0; i < RUNS; i++) {
    const id = String(
      (await call(url, 'POST', '/api/v1/training/runs', { session: admin, body: runBody(`load-${i}`) })).body.id,
    )
    const agentKey = String(
      (await call(url, 'POST', `/api/v1/training/runs/${id}/agent-keys`, { session: admin, body: { name: 'agent' } }))
        .body.secret,
    )
    runs.push({ id, agentKey })
  }
  const index = await (await fetch(`${url}/`)).text()
  const entryAsset = /<script[^>]+src="([^"]+\.js)"/.exec(index)?.[1] ?? null
  return { readers, signers, runs, packageIds, publisherKey, uploads, entryAsset, buildSeconds }
}
