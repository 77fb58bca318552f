import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import { Hono } from 'hono'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AppEnv } from './context'
import { mountConsole } from './web'

const script = 'export const greeting = "hello from a hashed chunk";\n'.repeat(40)
const html = '<!doctype html><title>console</title><script type="module" src="/assets/app-1a2b.js"></script>'
let app: Hono<AppEnv>

beforeAll(() => {
  const dist = mkdtempSync(join(tmpdir(), 'tg-web-enc-'))
  mkdirSync(join(dist, 'assets'))
  mkdirSync(join(dist, '.vite'))
  for (const [name, body] of [
    ['index.html', html],
    ['assets/app-1a2b.js', script],
  ] as const) {
    writeFileSync(join(dist, name), body)
    writeFileSync(join(dist, `${name}.br`), brotliCompressSync(body))
    writeFileSync(join(dist, `${name}.gz`), gzipSync(body))
  }
  writeFileSync(join(dist, 'assets', 'plain-9f8e.js'), 'console.log(1)')
  writeFileSync(join(dist, '.vite', 'manifest.json'), '{}')
  app = new Hono<AppEnv>()
  const console = mountConsole(app, dist)
  app.notFound((c) => console.fallback(c) ?? c.text('not found', 404))
})

const get = (path: string, acceptEncoding?: string) =>
  app.request(path, { headers: acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding } })

describe('precompressed static assets', () => {
  it('sends the brotli file to a browser that accepts brotli, cached as immutable', async () => {
    const res = await get('/assets/app-1a2b.js', 'gzip, deflate, br, zstd')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-encoding')).toBe('br')
    expect(res.headers.get('vary')).toBe('Accept-Encoding')
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    const body = Buffer.from(await res.arrayBuffer())
    expect(Number(res.headers.get('content-length'))).toBe(body.length)
    expect(body.length).toBeLessThan(script.length / 5)
    expect(brotliDecompressSync(body).toString()).toBe(script)
  })

  it('sends the gzip file when brotli is not accepted', async () => {
    const res = await get('/assets/app-1a2b.js', 'gzip, deflate')
    expect(res.headers.get('content-encoding')).toBe('gzip')
    expect(res.headers.get('vary')).toBe('Accept-Encoding')
    expect(gunzipSync(Buffer.from(await res.arrayBuffer())).toString()).toBe(script)
  })

  it('sends the plain file, still varying by encoding, when nothing is accepted', async () => {
    const res = await get('/assets/app-1a2b.js')
    expect(res.headers.get('content-encoding')).toBeNull()
    expect(res.headers.get('vary')).toBe('Accept-Encoding')
    expect(res.headers.get('cache-control')).toContain('immutable')
    expect(await res.text()).toBe(script)
  })

  it('sends a file without compressed siblings as is, without Vary', async () => {
    const res = await get('/assets/plain-9f8e.js', 'br, gzip')
    expect(res.headers.get('content-encoding')).toBeNull()
    expect(res.headers.get('vary')).toBeNull()
    expect(await res.text()).toBe('console.log(1)')
  })

  it('compresses index.html too but makes it revalidate', async () => {
    const res = await get('/', 'br, gzip')
    expect(res.headers.get('content-encoding')).toBe('br')
    expect(res.headers.get('cache-control')).toBe('no-cache')
    expect(brotliDecompressSync(Buffer.from(await res.arrayBuffer())).toString()).toBe(html)
  })

  it('never serves build metadata under a dot folder', async () => {
    const res = await get('/.vite/manifest.json', 'br, gzip')
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await res.text()).toBe(html)
  })
})
