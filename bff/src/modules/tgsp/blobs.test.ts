import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BlobStoreError } from './blob-errors'
import { createLocalBlobStore } from './blobs'
import { fullDiskStreamFs } from './test-support'

const MiB = 1024 * 1024
const freshDir = () => join(mkdtempSync(join(tmpdir(), 'tg-blobstore-')), 'blobs')

describe('the local blob store', () => {
  it('measures the free space of a folder that does not exist yet (before the first upload)', async () => {
    const space = await createLocalBlobStore(freshDir()).space()
    expect(space?.freeBytes).toBeGreaterThan(0)
    expect(space?.totalBytes).toBeGreaterThanOrEqual(space?.freeBytes ?? Infinity)
  })

  it('rejects a write at once when the disk fills, also one waiting for the stream to drain', async () => {
    const root = freshDir()
    const store = createLocalBlobStore(root, { streamFs: fullDiskStreamFs({ room: 3 * MiB }) })
    const file = await store.incoming()
    const chunk = new Uint8Array(MiB)
    let failure: unknown = null
    for (let i = 0; i < 8 && !failure; i++) await file.write(chunk).catch((err: unknown) => (failure = err))
    expect(failure).toBeInstanceOf(BlobStoreError)
    expect(failure).toMatchObject({ code: 'ENOSPC', reason: expect.stringContaining('full') })
    await expect(file.write(chunk)).rejects.toBeInstanceOf(BlobStoreError)
    await expect(file.close()).rejects.toMatchObject({ code: 'ENOSPC' })
    await file.discard()
    expect(readdirSync(join(root, '.incoming'))).toEqual([])
  })

  it('fails its probe, leaving no probe file, when nothing can be written', async () => {
    const root = freshDir()
    const store = createLocalBlobStore(root, { streamFs: fullDiskStreamFs({ room: 0 }) })
    await expect(store.probe()).rejects.toMatchObject({ code: 'ENOSPC' })
    expect(readdirSync(join(root, '.incoming'))).toEqual([])
    await expect(createLocalBlobStore(root).probe()).resolves.toBeUndefined()
  })
})
