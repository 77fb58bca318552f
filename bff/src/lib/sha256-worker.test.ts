import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { WorkerSha256, sha256WorkerState } from './sha256-worker'

const MiB = 1024 * 1024
const expected = (parts: Uint8Array[]) => {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return hash.digest('hex')
}

describe('the upload hash worker', () => {
  it('gives node:crypto digest of the bytes, however they are cut, for uploads hashed side by side', async () => {
    const sizes = [[], [0], [1], [256 * 1024], [MiB - 1, 2], [3 * MiB + 7, 65_536, 1], [5 * MiB]]
    const uploads = sizes.map((cut) => ({ parts: cut.map((n) => randomBytes(n)), hash: new WorkerSha256() }))
    // Interleaved: every upload's first part, then every upload's second part, and so on.
    for (let i = 0; i < 3; i++)
      for (const { parts, hash } of uploads) {
        const part = parts[i]
        if (part) hash.update(part)
        await hash.ready()
      }
    const digests = await Promise.all(uploads.map(({ hash }) => hash.digest()))
    expect(digests).toEqual(uploads.map(({ parts }) => expected(parts)))
    for (const { hash } of uploads) hash.dispose()
    expect(await sha256WorkerState()).toMatchObject({ running: true, sessions: 0, hashes: 0 })
  })

  it('holds the reader until fewer than four 256 KiB batches wait for the worker', async () => {
    const hash = new WorkerSha256()
    hash.update(randomBytes(3 * MiB))
    expect(hash.batchesInFlight).toBe(12)
    await hash.ready()
    expect(hash.batchesInFlight).toBeLessThan(4)
    hash.dispose()
  })

  it('forgets an upload disposed before its digest, in this thread and in the worker', async () => {
    const hash = new WorkerSha256()
    hash.update(randomBytes(3 * MiB))
    expect(await sha256WorkerState()).toMatchObject({ sessions: 1, hashes: 1 })
    hash.dispose()
    hash.dispose()
    expect(await sha256WorkerState()).toMatchObject({ running: true, sessions: 0, hashes: 0 })
    expect(() => hash.update(new Uint8Array(1))).toThrow(/after digest or dispose/)
    await expect(hash.digest()).rejects.toThrow(/after digest or dispose/)
  })
})
