import { execFileSync } from 'node:child_process'
import fs, { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { request } from 'node:http'
import { connect } from 'node:net'
import type { IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildTgspBytes, generateEncryptionKeyPair, generateSigningKeyPair } from '@tg/contracts/formats/tgsp'
import { listen } from '../../http-server'
import type { Harness } from '../../test/harness'
import type { StreamFs } from './incoming-file'

export const signing = generateSigningKeyPair()
const recipient = generateEncryptionKeyPair()
export const UPLOAD_PATH = '/api/v1/tgsp/packages'

let serial = 0
/** A package signed by `signer` (`signing` by default) whose payload holds `payloadBytes` bytes (the file a little more). */
export function makePackage(payloadBytes = 64, signer = signing): Uint8Array {
  serial++
  return buildTgspBytes({
    files: [{ path: 'adapter/weights.bin', data: new Uint8Array(payloadBytes).fill(serial % 251) }],
    modelName: 'fault-test-lora',
    modelVersion: `4.0.${serial}`,
    recipients: [recipient.publicKey],
    signingKey: signer.secretKey,
    signingPub: signer.publicKey,
    packageId: (0xf000 + serial).toString(16).padStart(16, '0'),
    baseModels: ['llama-3-8b'],
  })
}

/** Registers `signing` as a publisher and returns an API key of the publisher role. */
export async function publisherKey(h: Harness): Promise<string> {
  const admin = await h.userSession('root', ['admin'])
  const res = await h.request('POST', '/api/v1/tgsp/publishers', {
    ...admin,
    body: { name: 'Fault Test ML', classic: signing.publicKey.classic, pqc: signing.publicKey.pqc },
  })
  if (res.status !== 201) throw new Error(`registering the publisher: ${res.status} ${await res.text()}`)
  return h.apiKey(['publisher'])
}

/** Names of the temporary files of uploads. */
export function incomingFiles(blobDir: string): string[] {
  const dir = join(blobDir, '.incoming')
  return existsSync(dir) ? readdirSync(dir) : []
}

const noSpace = () =>
  Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' })

/**
 * The real file-system calls under an upload's write stream, failing with ENOSPC as a full disk
 * does once more than `disk.room` bytes would be written. Raise `disk.room` to free space.
 */
export function fullDiskStreamFs(disk: { room: number }): StreamFs {
  return {
    open: fs.open,
    close: fs.close,
    write(fd: number, buffer: Buffer, offset: number, length: number, position: number | null, cb: never) {
      if (length > disk.room) return process.nextTick(cb, noSpace())
      disk.room -= length
      fs.write(fd, buffer, offset, length, position, cb)
    },
    writev(fd: number, buffers: Buffer[], position: number | null, cb: never) {
      const length = buffers.reduce((sum, b) => sum + b.byteLength, 0)
      if (length > disk.room) return process.nextTick(cb, noSpace())
      disk.room -= length
      fs.writev(fd, buffers, position, cb)
    },
  }
}

/** A tmpfs of `size` (e.g. "2m") mounted on a fresh folder, or why it cannot be (not root, not Linux). */
export function mountTmpfs(size: string): { dir: string; unmount: () => void } | { skip: string } {
  if (process.platform !== 'linux') return { skip: `tmpfs needs Linux, this is ${process.platform}` }
  const dir = mkdtempSync(join(tmpdir(), 'tg-tmpfs-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' })
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim()
    return { skip: `mounting a tmpfs is not permitted here (${stderr || (err as Error).message})` }
  }
  return { dir, unmount: () => execFileSync('umount', ['-l', dir], { stdio: 'pipe' }) }
}

/** The harness's app on a real socket (127.0.0.1, a free port), with the production server's timeouts. */
export async function serveHarness(h: Harness, bodyTimeoutMs?: number) {
  const { server, port } = await listen(h.app.fetch, { hostname: '127.0.0.1', port: 0, bodyTimeoutMs })
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

export type StreamedAnswer = { status: number; headers: IncomingHttpHeaders; body: string; sent: number }

/**
 * Uploads `bytes` through a real socket as a client that reads while it sends (browsers, curl):
 * writes as fast as the server takes them, stops writing when an answer arrives. `declared` is the
 * Content-Length (chunked when null); `stallAfter` stops sending after that many bytes and waits;
 * `pauseMs` waits between chunks (a slow but live client). Rejects when the connection fails
 * before an answer arrived.
 */
export function streamUpload(
  url: string,
  bearer: string,
  bytes: Uint8Array,
  options: { declared?: number | null; stallAfter?: number; pauseMs?: number; chunkSize?: number } = {},
): Promise<StreamedAnswer> {
  const { declared = bytes.byteLength, stallAfter, pauseMs = 0, chunkSize = 64 * 1024 } = options
  const stop = Math.min(bytes.byteLength, stallAfter ?? bytes.byteLength)
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      'content-type': 'application/octet-stream',
      authorization: `Bearer ${bearer}`,
    }
    if (declared !== null) headers['content-length'] = String(declared)
    const req = request(`${url}${UPLOAD_PATH}`, { method: 'POST', headers })
    let sent = 0
    let isAnswered = false
    req.on('response', (res) => {
      isAnswered = true
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (text: string) => (body += text))
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, sent })
        req.destroy()
      })
      res.on('error', reject)
    })
    req.on('error', (err) => {
      if (!isAnswered) reject(err)
    })
    const pump = () => {
      while (!isAnswered && sent < stop) {
        const chunk = bytes.subarray(sent, Math.min(stop, sent + chunkSize))
        sent += chunk.byteLength
        const isFlowing = req.write(chunk)
        if (pauseMs > 0) return void setTimeout(pump, pauseMs)
        if (!isFlowing) return void req.once('drain', pump)
      }
      if (!isAnswered && sent === bytes.byteLength && stallAfter === undefined) req.end()
    }
    pump()
  })
}

/**
 * Uploads `bytes` as a client that sends the whole body before it reads anything (many simple
 * HTTP clients do): a server that resets the connection after answering early makes it lose the
 * answer. Resolves with the raw answer's status line and body; rejects on a reset.
 */
export function sendThenRead(
  url: string,
  bearer: string,
  bytes: Uint8Array,
): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) })
    socket.pause()
    let answer = ''
    socket.on('data', (data: Buffer) => (answer += data.toString('utf8')))
    socket.on('error', reject)
    socket.on('end', () => {
      const [head = '', body = ''] = answer.split('\r\n\r\n')
      resolve({ status: Number(head.split(' ')[1]), body })
      socket.destroy()
    })
    const head =
      `POST ${UPLOAD_PATH} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${bearer}\r\n` +
      `Content-Type: application/octet-stream\r\nContent-Length: ${bytes.byteLength}\r\n\r\n`
    socket.write(head)
    let sent = 0
    const pump = () => {
      while (sent < bytes.byteLength) {
        const chunk = bytes.subarray(sent, sent + 256 * 1024)
        sent += chunk.byteLength
        if (!socket.write(chunk)) return void socket.once('drain', pump)
      }
      socket.resume()
    }
    pump()
  })
}
