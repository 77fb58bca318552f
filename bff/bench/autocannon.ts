/**
 * The load generator of the HTTP benches, run as its own process (autocannon's CLI), so that it
 * never shares the event loop or the core of the server it loads.
 */
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

export type LoadResult = { rps: number; p50: number; p99: number; total: number }
export type LoadOptions = { connections: number; seconds: number; headers?: Record<string, string> }

const AUTOCANNON_CLI = join(dirname(createRequire(import.meta.url).resolve('autocannon/package.json')), 'autocannon.js')

type AutocannonJson = {
  requests: { average: number; total: number }
  latency: { p50: number; p99: number }
  non2xx: number
  errors: number
}

/** Loads `url` for `seconds` from a child process; throws on any error or non-2xx answer. */
export function loadFromChild(url: string, { connections, seconds, headers = {} }: LoadOptions): Promise<LoadResult> {
  const args = [AUTOCANNON_CLI, '--json', '-c', String(connections), '-d', String(seconds)]
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`)
  args.push(url)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')))
    child.once('error', reject)
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}: ${err.slice(-500)}`))
      const result = JSON.parse(out) as AutocannonJson
      if (result.non2xx > 0 || result.errors > 0)
        return reject(new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`))
      resolve({
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        total: result.requests.total,
      })
    })
  })
}
