// The real command line, as an operator runs it: `pnpm tgctl tgsp ...` in child processes.
import { spawnSync } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
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

describe('pnpm tgctl tgsp', { timeout: 120_000 }, () => {
  it('keygen, build, verify --json and open round-trip through the command line', async () => {
    const dir = tempDir()
    const keys = join(dir, 'keys')
    const input = await writeTree(join(dir, 'in'), SAMPLE_FILES)
    const file = join(dir, 'adapter.tgsp')

    for (const type of ['signing', 'encryption']) {
      const run = tgctl(['keygen', '--type', type, '--out', keys])
      expect(run.stderr).toBe('')
      expect(run.status).toBe(0)
      expect(run.stdout).toMatch(/Fingerprint: [0-9a-f]{64}/)
      expect(statSync(join(keys, `${type}.key.json`)).mode & 0o777).toBe(0o600)
    }
    const pub = JSON.parse(readFileSync(join(keys, 'signing.pub.json'), 'utf8'))
    expect(pub).toMatchObject({ alg: 'Hybrid-Dilithium-v1', classic: expect.stringMatching(/^[0-9a-f]{64}$/) })

    const build = tgctl([
      'build',
      '--input-dir', input,
      '--out', file,
      '--model-name', 'support-lora',
      '--model-version', '1.0.0',
      '--recipients', join(keys, 'encryption.pub.json'),
      '--signing-key', join(keys, 'signing.key.json'),
      '--signing-pub', join(keys, 'signing.pub.json'),
      '--base-model', 'meta-llama/Meta-Llama-3-8B',
      '--package-id', '0011223344556677',
    ]) // prettier-ignore
    expect(build.stderr).toBe('')
    expect(build.status).toBe(0)
    expect(build.stdout).toContain('for 1 recipient(s)')

    const verify = tgctl(['verify', file, '--publisher', join(keys, 'signing.pub.json'), '--json'])
    expect(verify.status).toBe(0)
    expect(JSON.parse(verify.stdout)).toEqual({
      ok: true,
      checks: {
        structure: { ok: true, reason: null },
        hashes: { ok: true, reason: null },
        signatures: { ok: true, reason: null },
        signer: { ok: true, reason: null },
      },
    })

    const out = join(dir, 'opened')
    const open = tgctl(['open', file, '--key', join(keys, 'encryption.key.json'), '--out-dir', out])
    expect(open.stderr).toBe('')
    expect(open.status).toBe(0)
    expect(open.stdout).toContain('3 file(s), 2 directories')
    expect(readFileSync(join(out, 'adapter_config.json'), 'utf8')).toBe(SAMPLE_FILES['adapter_config.json'])
  })
})
