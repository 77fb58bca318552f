/**
 * `pnpm scan` (server part): starts the real console (`node --import tsx bff/src/main.ts`) on a
 * free loopback port with a fresh data directory, creates the first admin through the setup link
 * and seeds a little real data so that routes with ids have real targets.
 */
import { spawn, spawnSync } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export type Session = { cookie: string; csrf: string }
export type Console = { url: string; setupUrl: string; stop: () => Promise<void> }

const ADMIN = { username: 'admin', displayName: 'Scan Admin', password: 'scan horse battery staple 42' }

export function ensureConsoleBuilt(root: string): void {
  if (existsSync(join(root, 'web/dist/index.html'))) return
  console.log('scan: building the console (web/dist is missing)')
  const build = spawnSync('pnpm', ['--filter', '@tg/web', 'build'], { cwd: root, stdio: 'inherit' })
  if (build.status !== 0) throw new Error('scan: the console build failed')
}

export async function startConsole(root: string, logFile: string): Promise<Console> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tg-scan-'))
  const child = spawn(process.execPath, ['--import', 'tsx', 'bff/src/main.ts'], {
    cwd: root,
    detached: true,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      TG_DATA_DIR: dataDir,
      TG_LOG_LEVEL: 'info',
      // The scanners send thousands of requests: the request limits would answer them 429.
      TG_RATE_LIMIT_DISABLED: 'true',
    },
  })
  const log = createWriteStream(logFile)
  let output = ''
  const collect = (d: Buffer) => {
    if (output.length < 100_000) output += d.toString()
    log.write(d)
  }
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)
  const exited = new Promise<void>((res) => child.once('exit', () => res()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(-child.pid, 'SIGTERM')
      const forced = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), 15_000)
      await exited
      clearTimeout(forced)
    }
    log.end()
    rmSync(dataDir, { recursive: true, force: true })
  }
  const deadline = Date.now() + 90_000
  for (;;) {
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
    const setupUrl = /"setupUrl":"([^"]+)"/.exec(output)?.[1]
    if (url && setupUrl) return { url, setupUrl, stop }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop()
      throw new Error(`scan: the console did not start:\n${output.slice(-4000)}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function call(url: string, method: string, path: string, body: unknown, session?: Session, raw?: Buffer) {
  const headers: Record<string, string> = {
    origin: url,
    'content-type': raw ? 'application/octet-stream' : 'application/json',
  }
  if (session) Object.assign(headers, { cookie: `tg_session=${session.cookie}`, 'x-csrf-token': session.csrf })
  const res = await fetch(`${url}${path}`, {
    method,
    headers,
    body: raw ? new Uint8Array(raw) : body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`scan: seeding ${method} ${path} answered ${res.status} ${text}`)
  return { res, json: JSON.parse(text) as Record<string, unknown> }
}

export async function completeSetup(url: string, setupUrl: string): Promise<Session> {
  const token = new URL(setupUrl).hash.replace('#token=', '')
  const { res, json } = await call(url, 'POST', '/api/v1/auth/setup', { token, ...ADMIN })
  const cookie = /tg_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1]
  if (!cookie) throw new Error('scan: setup returned no session cookie')
  return { cookie, csrf: String(json.csrfToken) }
}

function tgctl(root: string, ...args: string[]): void {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bff/src/cli/tgctl.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
  })
  if (run.status !== 0) throw new Error(`scan: tgctl ${args.join(' ')} failed: ${run.stderr}`)
}

/** A signed package and its publisher key, built with tgctl in a temporary folder. */
export function buildPackage(root: string) {
  const work = mkdtempSync(join(tmpdir(), 'tg-scan-tgsp-'))
  const file = (name: string) => join(work, name)
  try {
    tgctl(root, 'tgsp', 'keygen', '--type', 'signing', '--out', file('publisher'))
    tgctl(root, 'tgsp', 'keygen', '--type', 'encryption', '--out', file('fleet'))
    mkdirSync(file('adapter'))
    writeFileSync(file('adapter/adapter_config.json'), JSON.stringify({ r: 8, lora_alpha: 16 }))
    writeFileSync(file('adapter/adapter_model.bin'), Buffer.alloc(16 * 1024, 3))
    tgctl(root, 'tgsp', 'build', '--input-dir', file('adapter'), '--out', file('package.tgsp'),
      '--model-name', 'scan-bot', '--model-version', '1.0.0', '--package-id', '00112233aabbccdd',
      '--base-model', 'llama-3-8b', '--recipients', file('fleet/encryption.pub.json'),
      '--signing-key', file('publisher/signing.key.json'), '--signing-pub', file('publisher/signing.pub.json'),
    ) // prettier-ignore
    const key = JSON.parse(readFileSync(file('publisher/signing.pub.json'), 'utf8')) as { classic: string; pqc: string }
    return { bytes: readFileSync(file('package.tgsp')), key: { classic: key.classic, pqc: key.pqc } }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/**
 * A second user and API key (targets of the user and key routes, so that the scan never
 * disables its own admin or key), a publisher, a package, a fleet, a release, a run with a
 * round. Returns the ids by path-parameter name and the scan's API key.
 */
export async function seed(url: string, admin: Session, built: ReturnType<typeof buildPackage>) {
  const id = (r: { json: Record<string, unknown> }) => String(r.json.id)
  const user = await call(url, 'POST', '/api/v1/admin/users',
    { username: 'scan-target', displayName: 'Scan Target', password: ADMIN.password, roles: ['viewer'] }, admin) // prettier-ignore
  const target = await call(url, 'POST', '/api/v1/admin/api-keys', { name: 'scan-target', roles: ['viewer'] }, admin)
  const key = await call(url, 'POST', '/api/v1/admin/api-keys', { name: 'scan', roles: ['admin'] }, admin)
  const publisher = await call(url, 'POST', '/api/v1/tgsp/publishers', { name: 'Scan Models', ...built.key }, admin)
  const pkg = await call(url, 'POST', '/api/v1/tgsp/packages', undefined, admin, built.bytes)
  const fleet = await call(url, 'POST', '/api/v1/tgsp/fleets', { name: 'scan-fleet' }, admin)
  const release = await call(url, 'POST', '/api/v1/tgsp/releases', { packageId: id(pkg), fleetId: id(fleet), channel: 'canary' }, admin) // prettier-ignore
  const dp = { steps: 10, sampleRate: 0.01, noiseMultiplier: 1.1, clippingNorm: 1 }
  const run = await call(url, 'POST', '/api/v1/training/runs', {
    name: 'scan-run', baseModel: 'llama-3-8b', adapter: { method: 'lora', rank: 8, alpha: 16, targetModules: ['q_proj'] },
    plannedRounds: 20, stepsPerRound: dp.steps, dp: { ...dp, delta: 1e-5, epsilonBudget: 8, datasetSize: null },
  }, admin) // prettier-ignore
  const agent = await call(url, 'POST', `/api/v1/training/runs/${id(run)}/agent-keys`, { name: 'agent' }, admin)
  const round = await fetch(`${url}/api/v1/training/runs/${id(run)}/rounds`, {
    method: 'POST',
    headers: { authorization: `Bearer ${String(agent.json.secret)}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      index: 0, clients: 8, ...dp, metrics: { loss: 0.5, accuracy: 0.5 },
      startedAt: new Date(Date.now() - 60_000).toISOString(), endedAt: new Date().toISOString(),
    }), // prettier-ignore
  })
  if (round.status !== 201) throw new Error(`scan: seeding a round answered ${round.status} ${await round.text()}`)
  const ids: Record<string, string> = {
    userId: id(user),
    keyId: id(target),
    publisherId: id(publisher),
    packageId: id(pkg),
    fleetId: id(fleet),
    releaseId: id(release),
    runId: id(run),
    seq: '1',
  }
  return { ids, apiKey: String(key.json.secret) }
}
