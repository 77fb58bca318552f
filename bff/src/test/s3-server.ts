import { execFileSync, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:net'
import { CreateBucketCommand, ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import type { S3Settings } from '../modules/tgsp/blobs-s3'

/** moto's server mode; TG_MOTO_SERVER names another path (see scripts/ensure-moto.mjs). */
const MOTO = process.env.TG_MOTO_SERVER ?? 'moto_server'
const START_TIMEOUT_MS = 30_000

export type S3TestServer = {
  endpoint: string
  port: number
  /** A fresh bucket's settings (path style, test keys) under `prefix`. */
  bucket(prefix?: string): Promise<S3Settings>
  client(settings: S3Settings): S3Client
  stop(): Promise<void>
  /** Starts moto again on the same port (after stop), with nothing stored. */
  restart(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${output().slice(-1000)}`)
    const answered = await fetch(`${endpoint}/`).then(
      (res) => res.ok,
      () => false,
    )
    if (answered) return
    if (Date.now() > deadline) throw new Error(`moto_server did not answer within ${START_TIMEOUT_MS} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/**
 * Starts moto's S3 server on 127.0.0.1 (a free port) for a test file, or says why it cannot
 * (moto missing: scripts/ensure-moto.mjs tells how to install it).
 */
export async function startS3Server(): Promise<S3TestServer | { skip: string }> {
  try {
    execFileSync(MOTO, ['--help'], { stdio: 'pipe' })
  } catch {
    return { skip: `${MOTO} is not installed (pip install "moto[server]"; see scripts/ensure-moto.mjs)` }
  }
  const port = await freePort()
  const endpoint = `http://127.0.0.1:${port}`
  let child: ChildProcess | null = null
  const start = async () => {
    let output = ''
    const started = spawn(MOTO, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] })
    started.stdout?.on('data', (d: Buffer) => (output += d.toString()))
    started.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)))
    child = started
    await waitUntilAnswering(endpoint, started, () => output)
  }
  const stop = async () => {
    const running = child
    child = null
    if (!running || running.exitCode !== null) return
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve())
      running.kill('SIGTERM')
    })
  }
  const client = (settings: S3Settings) =>
    new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: true,
      credentials: settings.credentials,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    })
  await start()
  return {
    endpoint,
    port,
    async bucket(prefix = '') {
      const settings: S3Settings = {
        bucket: `tg-test-${randomUUID().slice(0, 8)}`,
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test-access-key', secretAccessKey: 'test-secret-key' },
        forcePathStyle: true,
        prefix,
      }
      const admin = client(settings)
      await admin.send(new CreateBucketCommand({ Bucket: settings.bucket }))
      admin.destroy()
      return settings
    },
    client,
    stop,
    restart: start,
  }
}

/** Every object key under the settings' prefix, relative to it, sorted (one page: tests store few). */
export async function objectKeys(client: S3Client, settings: S3Settings): Promise<string[]> {
  const page = await client.send(new ListObjectsV2Command({ Bucket: settings.bucket, Prefix: settings.prefix }))
  return (page.Contents ?? []).map((o) => (o.Key ?? '').slice(settings.prefix.length)).sort()
}

/** Keys of the incomplete multipart uploads under the settings' prefix. */
export async function incompleteUploads(client: S3Client, settings: S3Settings): Promise<string[]> {
  const page = await client.send(new ListMultipartUploadsCommand({ Bucket: settings.bucket, Prefix: settings.prefix }))
  return (page.Uploads ?? []).map((u) => u.Key ?? '')
}
