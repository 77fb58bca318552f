// `tgctl tgsp build --description-file`: the model card written into the signed manifest.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { SAMPLE_FILES, tempDir, writeTree } from './test-support'

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..')
const tgctl = (args: string[]) =>
  spawnSync(join(root, 'node_modules/.bin/tsx'), ['bff/src/cli/tgctl.ts', 'tgsp', ...args], {
    cwd: root,
    encoding: 'utf8',
  })

describe('pnpm tgctl tgsp build --description-file', { timeout: 120_000 }, () => {
  it('puts the file in the manifest description, and refuses an empty or missing file (exit 2)', async () => {
    const dir = tempDir()
    const keys = join(dir, 'keys')
    const input = await writeTree(join(dir, 'in'), SAMPLE_FILES)
    for (const type of ['signing', 'encryption'])
      expect(tgctl(['keygen', '--type', type, '--out', keys]).status).toBe(0)
    const card = '# Support LoRA\n\nAnswers tickets.\n'
    writeFileSync(join(dir, 'card.md'), card)
    writeFileSync(join(dir, 'empty.md'), ' \n')
    const build = (out: string, description: string) =>
      tgctl([
        'build', '--input-dir', input, '--out', join(dir, out), '--model-name', 'm', '--model-version', '1',
        '--recipients', join(keys, 'encryption.pub.json'), '--signing-key', join(keys, 'signing.key.json'),
        '--signing-pub', join(keys, 'signing.pub.json'), '--description-file', description,
      ]) // prettier-ignore

    expect(build('a.tgsp', join(dir, 'card.md')).status).toBe(0)
    const inspect = tgctl(['inspect', join(dir, 'a.tgsp'), '--json'])
    expect(inspect.status).toBe(0)
    expect(inspect.stdout).toContain(JSON.stringify(card).slice(1, -1))

    const empty = build('b.tgsp', join(dir, 'empty.md'))
    expect(empty.status).toBe(2)
    expect(empty.stderr).toContain('is empty')
    const missing = build('c.tgsp', join(dir, 'absent.md'))
    expect(missing.status).toBe(2)
    expect(missing.stderr).toContain('cannot read --description-file')
  })
})
