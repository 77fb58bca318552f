import { existsSync } from 'node:fs'
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  TarEntryError,
  TgspOpenError,
  buildTar,
  sealTgspBytes,
  sha256Hex,
  tarHeader,
  type TgspContentEntry,
} from '@tg/contracts/formats/tgsp'
import { openPackageFile } from './open'
import { publisher, recipient, signing, stranger, tempDir } from './test-support'

const encoder = new TextEncoder()
const BLOCK = 512

/** A USTAR header with any type flag, path and link name: what a hostile producer could write. */
function header(path: string, type: string, size = 0, link = ''): Uint8Array {
  const block = tarHeader({ path: 'x', type: 'file', size, executable: false })
  block.fill(0, 0, 100)
  block.set(encoder.encode(path), 0)
  block[156] = type.charCodeAt(0)
  block.fill(0, 157, 257)
  block.set(encoder.encode(link), 157)
  block.fill(0x20, 148, 156)
  const sum = block.reduce((a, b) => a + b, 0)
  block.set(encoder.encode(sum.toString(8).padStart(6, '0') + '\0 '), 148)
  return block
}

function fileEntry(path: string, text: string): Uint8Array[] {
  const data = encoder.encode(text)
  return [header(path, '0', data.length), data, new Uint8Array((BLOCK - (data.length % BLOCK)) % BLOCK)]
}

function tar(...parts: Uint8Array[][]): Uint8Array {
  const all = [...parts.flat(), new Uint8Array(2 * BLOCK)]
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const part of all) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

function seal(plaintext: Uint8Array, contentIndex: TgspContentEntry[] = []): Uint8Array {
  return sealTgspBytes({
    plaintext,
    contentIndex,
    modelName: 'hostile',
    modelVersion: '1',
    recipients: [recipient.publicKey],
    signingKey: signing.secretKey,
    signingPub: signing.publicKey,
  })
}

/** Writes the package into a fresh directory and opens it into `<dir>/out`. */
async function attempt(
  bytes: Uint8Array,
  options: { key?: typeof recipient.secretKey; signers?: (typeof publisher)[] } = {},
) {
  const dir = tempDir()
  const file = join(dir, 'package.tgsp')
  await writeFile(file, bytes)
  const outDir = join(dir, 'out')
  const result = openPackageFile({
    file,
    secretKey: options.key ?? recipient.secretKey,
    outDir,
    signers: options.signers,
  })
  return { dir, outDir, result }
}

/** Nothing but the package is left in `dir`: no out dir, no staging dir, nothing escaped. */
async function expectNothingWritten(dir: string): Promise<void> {
  expect(await readdir(dir)).toEqual(['package.tgsp'])
  expect(existsSync(join(dir, '..', 'escaped.txt'))).toBe(false)
}

describe('openPackageFile refuses hostile archives and writes nothing', () => {
  const sentinel = join(tempDir('tg-sentinel-'), 'escaped.txt')
  const cases: [string, Uint8Array, RegExp][] = [
    ['an absolute path', tar(fileEntry(sentinel, 'pwned')), /Refused entry ".*escaped.txt": the path is absolute/],
    [
      'a .. component',
      tar(fileEntry('../escaped.txt', 'pwned')),
      /Refused entry "..\/escaped.txt": the path has a '..' component/,
    ],
    [
      'a nested .. escape',
      tar(fileEntry('models/../../escaped.txt', 'x')),
      /"models\/..\/..\/escaped.txt": the path has a '..'/,
    ],
    [
      'a symlink out of the target',
      tar([header('link', '2', 0, '..')], fileEntry('link/escaped.txt', 'x')),
      /"link": it is a symbolic link \(to ".."\)/,
    ],
    ['a hard link', tar([header('hard', '1', 0, '/etc/passwd')]), /"hard": it is a hard link \(to "\/etc\/passwd"\)/],
    [
      'a hostile entry after a good one',
      tar(fileEntry('ok.txt', 'fine'), fileEntry('/etc/evil', 'x')),
      /"\/etc\/evil": the path is absolute/,
    ],
  ]
  it.each(cases)('%s', async (_name, plaintext, reason) => {
    const { dir, result } = await attempt(seal(plaintext))
    await expect(result).rejects.toThrow(TarEntryError)
    await expect(result).rejects.toThrow(reason)
    await expectNothingWritten(dir)
    expect(existsSync(sentinel)).toBe(false)
  })
})

describe('openPackageFile refusals before extraction', () => {
  const files = [{ path: 'a.txt', data: encoder.encode('alpha') }]
  const good = () => seal(buildTar(files), [{ path: 'a.txt', sha256: sha256Hex(files[0]!.data) }])

  it('opens a good package only into an absent or empty directory', async () => {
    const { outDir, result } = await attempt(good())
    await expect(result).resolves.toMatchObject({ files: 1 })
    expect(existsSync(join(outDir, 'a.txt'))).toBe(true)
    const dir = tempDir()
    const file = join(dir, 'package.tgsp')
    await writeFile(file, good())
    await mkdir(join(dir, 'busy'))
    await writeFile(join(dir, 'busy', 'keep.txt'), 'mine')
    const busy = openPackageFile({ file, secretKey: recipient.secretKey, outDir: join(dir, 'busy') })
    await expect(busy).rejects.toThrow(/busy is not empty/)
    expect(await readdir(join(dir, 'busy'))).toEqual(['keep.txt'])
  })

  it('refuses a key that is not a recipient', async () => {
    const { dir, result } = await attempt(good(), { key: stranger.secretKey })
    await expect(result).rejects.toThrow(TgspOpenError)
    await expect(result).rejects.toThrow(/opens none of the package's 1 recipient entry/)
    await expectNothingWritten(dir)
  })

  it('refuses a chunk whose tag does not verify', async () => {
    const bytes = good()
    bytes[bytes.length - 7000] = bytes[bytes.length - 7000]! ^ 1
    const { dir, result } = await attempt(bytes)
    await expect(result).rejects.toThrow(/Payload chunk 1 does not decrypt/)
    await expectNothingWritten(dir)
  })

  it('refuses files that differ from the manifest content_index', async () => {
    const { dir, result } = await attempt(
      seal(buildTar(files), [{ path: 'a.txt', sha256: sha256Hex(encoder.encode('beta')) }]),
    )
    await expect(result).rejects.toThrow(/"a.txt" does not match its manifest hash/)
    await expectNothingWritten(dir)
  })

  it('refuses an untrusted signer when publishers are given', async () => {
    const { dir, result } = await attempt(good(), {
      signers: [{ ...publisher, pqc: publisher.pqc.replace(/^../, '00') }],
    })
    await expect(result).rejects.toThrow(/^Untrusted signer:/)
    await expectNothingWritten(dir)
  })
})
