// `tgctl tgsp` commands in-process: exit codes, messages and refusals (cheaper than spawning).
import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tgspCommand } from './index'
import { writeKeyPair } from './keys'
import { SAMPLE_FILES, tempDir, writeTree } from './test-support'

async function run(argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await tgspCommand(
    argv,
    (l) => out.push(l),
    (l) => err.push(l),
  )
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('tgctl tgsp commands', () => {
  it('exits 2 on usage errors', async () => {
    expect((await run([])).code).toBe(2)
    expect((await run(['frobnicate'])).code).toBe(2)
    const noPublisher = await run(['verify', 'x.tgsp'])
    expect(noPublisher).toMatchObject({ code: 2, err: expect.stringContaining('--publisher') })
    expect((await run(['keygen', '--type', 'rsa', '--out', tempDir()])).code).toBe(2)
    expect((await run(['build', '--out', 'x'])).err).toMatch(/missing --input-dir, --model-name/)
    expect((await run(['verify', 'x', '--publisher', 'y', '--bogus'])).code).toBe(2)
  })

  it('keygen refuses to overwrite and writes secret keys 0600', async () => {
    const dir = tempDir()
    await writeKeyPair(dir, 'encryption')
    expect((await stat(join(dir, 'encryption.key.json'))).mode & 0o777).toBe(0o600)
    expect((await stat(join(dir, 'encryption.pub.json'))).mode & 0o777).toBe(0o644)
    const before = await readFile(join(dir, 'encryption.key.json'), 'utf8')
    await expect(writeKeyPair(dir, 'encryption')).rejects.toThrow(/already exists; refusing to overwrite/)
    expect(await readFile(join(dir, 'encryption.key.json'), 'utf8')).toBe(before)
  })

  it('verify exits 1 naming the failed check; inspect shows the sections; a wrong key type is a usage error', async () => {
    const dir = tempDir()
    await writeKeyPair(join(dir, 'author'), 'signing')
    await writeKeyPair(join(dir, 'other'), 'signing')
    await writeKeyPair(join(dir, 'reader'), 'encryption')
    const input = await writeTree(join(dir, 'in'), SAMPLE_FILES)
    const file = join(dir, 'p.tgsp')
    const built = await run([
      'build', '--input-dir', input, '--out', file, '--model-name', 'm', '--model-version', '1',
      '--recipients', join(dir, 'reader/encryption.pub.json'),
      '--signing-key', join(dir, 'author/signing.key.json'), '--signing-pub', join(dir, 'author/signing.pub.json'),
    ]) // prettier-ignore
    expect(built.code).toBe(0)

    const untrusted = await run(['verify', file, '--publisher', join(dir, 'other/signing.pub.json'), '--json'])
    expect(untrusted.code).toBe(1)
    const report = JSON.parse(untrusted.out)
    expect(report.ok).toBe(false)
    expect(report.checks.signer.reason).toMatch(/^Untrusted signer: .*fingerprint [0-9a-f]{64}/)
    expect(report.checks.signatures).toEqual({ ok: true, reason: null })

    const text = await run(['verify', file, '--publisher', join(dir, 'author/signing.pub.json')])
    expect(text).toMatchObject({ code: 0, out: expect.stringContaining('VERIFIED') })

    const bytes = await readFile(file)
    await writeFile(join(dir, 'cut.tgsp'), bytes.subarray(0, 100))
    const cut = await run(['verify', join(dir, 'cut.tgsp'), '--publisher', join(dir, 'author/signing.pub.json')])
    expect(cut.code).toBe(1)
    expect(cut.out).toMatch(/structure +FAILED: The header length .* runs past the end of the file/)
    expect(cut.out).toMatch(/hashes +not run: the structure check failed/)

    const inspect = await run(['inspect', file])
    expect(inspect.code).toBe(0)
    expect(inspect.out).toMatch(/recipients: 1 /)
    expect(inspect.out).toMatch(/sig_classic 64 bytes, sig_pqc 3309 bytes/)
    expect((await run(['inspect', join(dir, 'cut.tgsp')])).code).toBe(1)

    const wrongKey = await run([
      'open',
      file,
      '--key',
      join(dir, 'author/signing.key.json'),
      '--out-dir',
      join(dir, 'o'),
    ])
    expect(wrongKey).toMatchObject({ code: 2, err: expect.stringContaining('is not an encryption secret key') })
  })
})
