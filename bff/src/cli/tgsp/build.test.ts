import { readFile, readdir, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { TgspStreamParser, buildTgspBytes, openTgspBytes, sha256Hex, type TgspParsed } from '@tg/contracts/formats/tgsp'
import { buildPackageFile, type BuildPackageOptions } from './build'
import { inspectPackageFile } from './inspect'
import { openPackageFile } from './open'
import { verifyPackageFile } from './verify'
import { SAMPLE_FILES, publisher, recipient, seededRandom, signing, stranger, tempDir, writeTree } from './test-support'

const parse = (bytes: Uint8Array): TgspParsed => {
  const parser = new TgspStreamParser({ maxPayloadBytes: Number.MAX_SAFE_INTEGER })
  parser.push(bytes)
  return parser.finish()
}

async function options(overrides: Partial<BuildPackageOptions> = {}): Promise<BuildPackageOptions> {
  const root = tempDir()
  return {
    inputDir: await writeTree(join(root, 'in'), SAMPLE_FILES),
    out: join(root, 'adapter.tgsp'),
    modelName: 'llama-3-8b-support-lora',
    modelVersion: '2.0.1',
    recipients: [stranger.publicKey, recipient.publicKey],
    signingKey: signing.secretKey,
    signingPub: signing.publicKey,
    baseModels: ['meta-llama/Meta-Llama-3-8B'],
    packageId: 'a1b2c3d4e5f60718',
    createdAt: 1_720_000_000,
    ...overrides,
  }
}

describe('buildPackageFile', () => {
  it('builds a package that verifies and opens to identical files', async () => {
    const opts = await options()
    const built = await buildPackageFile(opts)
    const bytes = new Uint8Array(await readFile(built.file))
    expect(built.bytes).toBe(bytes.length)

    const { checks, parsed, signer } = await verifyPackageFile(built.file, [publisher])
    expect(Object.values(checks).every((c) => c.ok)).toBe(true)
    expect(signer?.name).toBe('Acme Models')
    expect(parsed?.manifest.content_index.map((e) => e.path)).toEqual([
      'adapter_config.json',
      'tokenizer/special tokens ünï.txt',
      'weights/adapter_model.safetensors',
    ])
    expect(parsed?.manifest.compat_base_model_id).toEqual(['meta-llama/Meta-Llama-3-8B'])

    const outDir = join(tempDir(), 'opened')
    const opened = await openPackageFile({
      file: built.file,
      secretKey: recipient.secretKey,
      outDir,
      signers: [publisher],
    })
    expect(opened).toMatchObject({ files: 3, directories: 2, recipientIndex: 1 })
    for (const [path, data] of Object.entries(SAMPLE_FILES)) {
      const expected = typeof data === 'string' ? new TextEncoder().encode(data) : data
      expect(sha256Hex(new Uint8Array(await readFile(join(outDir, path))))).toBe(sha256Hex(expected))
    }

    // The pure library opens what node:crypto sealed.
    const inMemory = openTgspBytes(bytes, stranger.secretKey)
    expect([...inMemory.files.keys()].sort()).toEqual(Object.keys(SAMPLE_FILES).sort())

    const inspection = await inspectPackageFile(built.file)
    expect(inspection.prelude.payloadLength).toBe(parsed?.payloadLength)
    expect(inspection.signatureBytes).toBe(parsed?.raw.signature.length)
  })

  it('writes the same bytes as the in-memory builder, and is byte-identical for the same randomness', async () => {
    const random = () => seededRandom(42)
    const first = await options({ random: random() })
    const a = new Uint8Array(await readFile((await buildPackageFile(first)).file))
    const b = new Uint8Array(
      await readFile((await buildPackageFile({ ...first, out: `${first.out}.2`, random: random() })).file),
    )
    expect(sha256Hex(b)).toBe(sha256Hex(a))
    const files = Object.entries(SAMPLE_FILES).map(([path, data]) => ({
      path,
      data: typeof data === 'string' ? new TextEncoder().encode(data) : data,
    }))
    const inMemory = buildTgspBytes({ ...first, files, random: random() })
    expect(sha256Hex(inMemory)).toBe(sha256Hex(a))

    // With real randomness only the documented random fields differ: the manifest is identical.
    const c = new Uint8Array(
      await readFile((await buildPackageFile({ ...first, out: `${first.out}.3`, random: undefined })).file),
    )
    const [pa, pc] = [parse(a), parse(c)]
    expect(sha256Hex(pc.raw.manifest)).toBe(sha256Hex(pa.raw.manifest))
    expect(pc.header.crypto.nonce_base).not.toBe(pa.header.crypto.nonce_base)
    expect(pc.digests.payload).not.toBe(pa.digests.payload)
  })

  it('refuses symbolic links, an existing output and a signing key of another pair', async () => {
    const withLink = await options()
    await symlink('/etc/passwd', join(withLink.inputDir, 'passwd'))
    await expect(buildPackageFile(withLink)).rejects.toThrow(/passwd is a symbolic link/)

    const opts = await options()
    await buildPackageFile(opts)
    await expect(buildPackageFile(opts)).rejects.toThrow(/already exists; refusing to overwrite/)

    const other = await options({ signingPub: { ...signing.publicKey, classic: recipient.publicKey.classic } })
    await expect(buildPackageFile(other)).rejects.toThrow(/does not belong to the signing public key/)
    expect((await readdir(join(other.out, '..'))).filter((n) => n.includes('partial'))).toEqual([])
  })
})
