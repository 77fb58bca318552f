/**
 * `pnpm bench` (marketplace part): upload + verify of one large TGSP package through the real
 * server process, against `sha256sum` of the same file in the same run (the ratio is the figure),
 * and the server's peak resident memory (VmHWM). BENCH_TGSP_BYTES sets the payload size
 * (default 1 GiB). Goals: at least 1.5x sha256sum's throughput, peak RSS under 200 MB; with the
 * S3 object store (moto) the same memory goal: the upload streams in 8 MiB parts.
 */
import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateEncryptionKeyPair, generateSigningKeyPair } from '@tg/contracts/formats/tgsp'
import { buildPackageFile } from '../src/cli/tgsp/build'
import { createPostgresDatabase } from '../src/test/harness'
import { startS3Server } from '../src/test/s3-server'

const BYTES = Number(process.env.BENCH_TGSP_BYTES ?? 1024 ** 3)
/** Which stores to upload into (comma-separated: pglite, postgres, s3); all by default. */
const TARGETS = new Set((process.env.BENCH_TGSP_TARGETS ?? 'pglite,postgres,s3').split(','))
const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..')
const PASSWORD = 'bench password for the upload bench'
const MiB = 1024 * 1024

function writeRandomFile(file: string, bytes: number) {
  const chunk = 8 * MiB
  for (let written = 0; written < bytes; written += chunk)
    writeFileSync(file, randomBytes(Math.min(chunk, bytes - written)), { flag: written === 0 ? 'w' : 'a' })
}

/** Starts the server process on its embedded database; resolves with its URL and pid. */
function startServer(dataDir: string, databaseUrl: string | undefined, extraEnv: Record<string, string>) {
  // The server as scripts/start.sh runs it (its `exec env SETTINGS node FLAGS bundle` line): one
  // Node process, the same glibc settings and Node flags. BENCH_TGSP_NODE_ARGS adds Node flags
  // (for example `--cpu-prof` to profile it).
  const [, settings, flags] = /^exec env (.*?) node (.*) bff\/dist\/main\.mjs$/m.exec(
    readFileSync(join(ROOT, 'scripts/start.sh'), 'utf8'),
  )!
  const extraArgs = (process.env.BENCH_TGSP_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const child = spawn(process.execPath, [...flags!.split(' '), ...extraArgs, 'bff/dist/main.mjs'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...Object.fromEntries(settings!.split(' ').map((setting) => setting.split('='))),
      TG_DATA_DIR: dataDir,
      PORT: '0',
      TG_LOG_LEVEL: 'info',
      TG_UPLOAD_MAX_BYTES: String(BYTES + 64 * MiB),
      TG_WEB_DIST: join(dataDir, 'no-web'),
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  return new Promise<{ url: string; pid: number; stop: () => Promise<void> }>((resolveStart, reject) => {
    const onData = (data: Buffer) => {
      output += data.toString()
      const url = /listening on (http:\/\/[\d.:]+)/.exec(output)?.[1]
      if (url) {
        const pid = child.pid as number
        child.stdout.off('data', onData)
        child.stdout.resume()
        resolveStart({
          url,
          pid,
          stop: () =>
            new Promise<void>((done) => {
              child.once('exit', () => done())
              child.kill('SIGTERM')
            }),
        })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${output.slice(-2000)}`)))
  })
}

const memoryOf = (pid: number, field: 'VmHWM' | 'VmRSS') =>
  Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024

async function api(
  url: string,
  path: string,
  init: { method?: string; body?: unknown; cookie?: string; csrf?: string },
) {
  const res = await fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      'content-type': 'application/json',
      origin: url,
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...(init.csrf ? { 'x-csrf-token': init.csrf } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`)
  return { res, body: (await res.json()) as Record<string, unknown> }
}

/** CPU seconds (user + system) the process has used so far, from /proc (clock ticks of 10 ms). */
function cpuSecondsOf(pid: number) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/**
 * Uploads with curl in its own process (`-T` streams the file, never holding it whole), so the
 * client neither shares the bench's event loop nor slows the server it measures.
 */
function upload(url: string, file: string, key: string) {
  return new Promise<{ status: number; body: string }>((resolveUpload, reject) => {
    const curl = spawn(
      'curl',
      ['-sS', '-X', 'POST', '-T', file, '-H', 'content-type: application/octet-stream', '-H', 'expect:', '-K', '-'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    )
    // The key goes through stdin (a curl config), not the command line that `ps` shows.
    curl.stdin.end(
      `header = "authorization: Bearer ${key}"\nwrite-out = "\\n%{http_code}"\nurl = "${url}/api/v1/tgsp/packages"\n`,
    )
    let out = ''
    let err = ''
    curl.stdout.on('data', (d: Buffer) => (out += d.toString()))
    curl.stderr.on('data', (d: Buffer) => (err += d.toString()))
    curl.once('error', reject)
    curl.once('close', (code) => {
      if (code !== 0) return reject(new Error(`curl exited ${code}: ${err}`))
      const cut = out.lastIndexOf('\n')
      resolveUpload({ status: Number(out.slice(cut + 1)), body: out.slice(0, cut) })
    })
  })
}

/** `extraEnv` configures the server further (the S3 object store). */
export async function uploadThrough(
  label: string,
  work: string,
  pkg: string,
  bytes: number,
  signing: ReturnType<typeof generateSigningKeyPair>,
  databaseUrl?: string,
  extraEnv: Record<string, string> = {},
) {
  const dataDir = join(work, `data-${label}`)
  const env = {
    ...process.env,
    TG_DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...extraEnv,
  }
  const created = spawnSync(
    join(ROOT, 'node_modules/.bin/tsx'),
    ['bff/src/cli/tgctl.ts', 'admin', 'create-user', '--username', 'bench', '--roles', 'admin', '--password-stdin'],
    { cwd: ROOT, input: PASSWORD, env, encoding: 'utf8' },
  )
  if (created.status !== 0) throw new Error(`create-user failed: ${created.stderr}`)
  const server = await startServer(dataDir, databaseUrl, extraEnv)
  try {
    const signIn = await api(server.url, '/api/v1/auth/sign-in', {
      method: 'POST',
      body: { username: 'bench', password: PASSWORD },
    })
    const cookie = (signIn.res.headers.get('set-cookie') ?? '').split(';')[0]!
    const session = { cookie, csrf: String(signIn.body.csrfToken) }
    await api(server.url, '/api/v1/tgsp/publishers', {
      method: 'POST',
      ...session,
      body: { name: 'Bench publisher', classic: signing.publicKey.classic, pqc: signing.publicKey.pqc },
    })
    const key = await api(server.url, '/api/v1/admin/api-keys', {
      method: 'POST',
      ...session,
      body: { name: 'bench publisher', roles: ['publisher'] },
    })
    const rssBefore = memoryOf(server.pid, 'VmRSS')
    const peakBefore = memoryOf(server.pid, 'VmHWM')
    // Writing 5 to clear_refs resets VmHWM (Linux >= 4.0): the peak read after is the upload's own.
    writeFileSync(`/proc/${server.pid}/clear_refs`, '5')

    // Flush what earlier writes left dirty (a previous run's blob), so it does not slow this one;
    // sha256sum first warms the page cache for both runs alike.
    spawnSync('sync')
    spawnSync('sha256sum', [pkg])
    let started = performance.now()
    // bash's `times` prints the CPU time of its children: sha256sum's own, beside its wall time.
    const sum = spawnSync('bash', ['-c', 'sha256sum "$0" >/dev/null && times', pkg], { encoding: 'utf8' })
    const shaSeconds = (performance.now() - started) / 1000
    if (sum.status !== 0) throw new Error('sha256sum failed')
    const shaCpu = sum.stdout
      .trim()
      .split('\n')[1]!
      .split(' ')
      .reduce(
        (total, time) => total + Number(/(\d+)m([\d.]+)s/.exec(time)![1]) * 60 + Number(/m([\d.]+)s/.exec(time)![1]),
        0,
      )

    const cpuBefore = cpuSecondsOf(server.pid)
    started = performance.now()
    const result = await upload(server.url, pkg, String(key.body.secret))
    const uploadSeconds = (performance.now() - started) / 1000
    if (result.status !== 201) throw new Error(`upload answered ${result.status}: ${result.body.slice(0, 500)}`)
    const checks = (JSON.parse(result.body) as { checks: Record<string, { ok: boolean }> }).checks
    const peak = memoryOf(server.pid, 'VmHWM')
    const serverCpu = cpuSecondsOf(server.pid) - cpuBefore

    const mibs = (s: number) => (bytes / MiB / s).toFixed(0)
    const ratio = shaSeconds / uploadSeconds
    console.log(`  ${label}:`)
    console.log(`    sha256sum:       ${shaSeconds.toFixed(2)} s (${mibs(shaSeconds)} MiB/s)`)
    console.log(
      `    upload + verify: ${uploadSeconds.toFixed(2)} s (${mibs(uploadSeconds)} MiB/s), every check ${Object.values(checks).every((c) => c.ok) ? 'passed' : 'DID NOT pass'}`,
    )
    console.log(
      `    throughput ratio to sha256sum: ${ratio.toFixed(2)} (goal >= 1.5: ${ratio >= 1.5 ? 'met' : 'missed'})`,
    )
    console.log(
      `    CPU time (steadier than wall time on a loaded machine): server during the upload ${serverCpu.toFixed(2)} s ` +
        `(${((serverCpu / bytes) * 1024 ** 3).toFixed(2)} s a GiB), sha256sum ${shaCpu.toFixed(2)} s: ratio ${(shaCpu / serverCpu).toFixed(2)}`,
    )
    console.log(
      `    server memory: ${rssBefore.toFixed(0)} MB resident before the upload, peak during it ${peak.toFixed(0)} MB ` +
        `(+${(peak - rssBefore).toFixed(0)} MB; peak since start ${peakBefore.toFixed(0)} MB; goal < 200: ${peak < 200 ? 'met' : 'missed'})`,
    )
  } finally {
    await server.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/**
 * The same upload into an S3 object store: moto's server on 127.0.0.1 (a Python process that keeps
 * objects in its own memory, so the throughput is moto's, not S3's: the figure that matters is the
 * server's peak memory, which must stay flat however large the package).
 */
export async function uploadThroughS3(
  work: string,
  pkg: string,
  bytes: number,
  signing: ReturnType<typeof generateSigningKeyPair>,
) {
  const s3 = await startS3Server()
  if ('skip' in s3) return console.log(`  S3 object store skipped: ${s3.skip}`)
  try {
    const settings = await s3.bucket('bench/')
    await uploadThrough('embedded PGlite + S3 object store (moto)', work, pkg, bytes, signing, undefined, {
      TG_S3_BUCKET: settings.bucket,
      TG_S3_ENDPOINT: s3.endpoint,
      TG_S3_FORCE_PATH_STYLE: 'true',
      TG_S3_ACCESS_KEY_ID: 'bench-access-key',
      TG_S3_SECRET_ACCESS_KEY: 'bench-secret-key',
      TG_S3_PREFIX: settings.prefix,
    })
  } finally {
    await s3.stop()
  }
}

export async function runTgspBench() {
  const work = mkdtempSync(join(tmpdir(), 'tg-bench-tgsp-'))
  try {
    console.log(`\nTGSP upload + verify: ${(BYTES / MiB).toFixed(0)} MiB payload through the server process`)
    const build = spawnSync(process.execPath, ['scripts/build-if-changed.mjs', 'bff'], { cwd: ROOT, encoding: 'utf8' })
    if (build.status !== 0) throw new Error(`building the server failed: ${build.stderr}`)
    const signing = generateSigningKeyPair()
    const recipient = generateEncryptionKeyPair()
    const input = join(work, 'adapter')
    mkdirSync(input)
    writeRandomFile(join(input, 'weights.bin'), BYTES)
    const pkg = join(work, 'bench.tgsp')
    const started = performance.now()
    const { bytes } = await buildPackageFile({
      inputDir: input,
      out: pkg,
      modelName: 'bench-adapter',
      modelVersion: '1.0.0',
      recipients: [recipient.publicKey],
      signingKey: signing.secretKey,
      signingPub: signing.publicKey,
      baseModels: ['bench-base'],
    })
    rmSync(input, { recursive: true })
    console.log(
      `  built ${(bytes / MiB).toFixed(0)} MiB package in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    )
    if (TARGETS.has('pglite'))
      await uploadThrough('embedded PGlite (the database runs inside the server process)', work, pkg, bytes, signing)
    const pg = TARGETS.has('postgres') ? await createPostgresDatabase() : null
    if (pg && 'skip' in pg) console.log(`  PostgreSQL skipped: ${pg.skip}`)
    else if (pg)
      try {
        await uploadThrough('PostgreSQL', work, pkg, bytes, signing, (pg.target as { url: string }).url)
      } finally {
        await pg.drop()
      }
    if (TARGETS.has('s3')) await uploadThroughS3(work, pkg, bytes, signing)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runTgspBench()
