import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditKeys } from '@tg/contracts'
import type { AuditEntryProof } from '@tg/contracts/formats/audit'
import { createHarness, json } from '../test/harness'
import type { Harness } from '../test/harness'

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..')
const run = promisify(execFile)

/** The real CLI, as an operator runs it: its exit code and what it printed. */
async function tgctl(...args: string[]) {
  try {
    const { stdout, stderr } = await run(join(root, 'node_modules/.bin/tsx'), ['bff/src/cli/tgctl.ts', ...args], {
      cwd: root,
    })
    return { status: 0, stdout, stderr }
  } catch (err) {
    const { code, stdout, stderr } = err as { code: number; stdout: string; stderr: string }
    return { status: code, stdout, stderr }
  }
}

let h: Harness
let dir: string
let proof: AuditEntryProof
let verifierKeys: string[]
const write = (name: string, content: unknown) => {
  const path = join(dir, name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}

beforeAll(async () => {
  h = await createHarness()
  const auditor = { bearer: await h.apiKey(['auditor'], 'auditor') }
  for (let i = 0; i < 3; i++) await h.apiKey(['viewer'], `key ${i}`)
  await h.services.audit.drain()
  const get = async <T>(path: string) => json<T>(await h.request('GET', path, auditor))
  proof = await get<AuditEntryProof>('/api/v1/audit/entries/2/proof')
  verifierKeys = (await get<AuditKeys>('/api/v1/audit/keys')).keys.map((k) => k.verifierKey)
  dir = mkdtempSync(join(tmpdir(), 'tg-verify-entry-'))
})
afterAll(() => h.close())

describe('pnpm tgctl audit verify ENTRY-PROOF', { timeout: 180_000 }, () => {
  it('exits 0 for a downloaded entry proof, self-certified or against pinned keys', async () => {
    const [own, pinned] = await Promise.all([
      tgctl('audit', 'verify', write('entry.json', proof)),
      tgctl('audit', 'verify', write('entry2.json', proof), ...verifierKeys.flatMap((k) => ['--trusted-key', k])),
    ])
    expect(own).toMatchObject({ status: 0, stderr: '' })
    expect(own.stdout).toContain('ALL HOLDS: entry 2 is in the log of tree size')
    expect(own.stdout).toContain('compare their fingerprints out of band')
    expect(pinned.status).toBe(0)
    expect(pinned.stdout).not.toContain('out of band')
  })

  it('exits 1 when the entry, its path or its checkpoint was tampered with', async () => {
    const cases: Array<[string, AuditEntryProof, string]> = [
      [
        'text.json',
        { ...proof, entry: { ...proof.entry, canonical: proof.entry.canonical.replace('"success"', '"failure"') } },
        'BROKEN: entry 2: inclusion proof does not lead to the checkpoint root',
      ],
      [
        'path.json',
        { ...proof, entry: { ...proof.entry, proof: proof.entry.proof.map((p, i) => (i === 0 ? '0'.repeat(64) : p)) } },
        'BROKEN: entry 2: inclusion proof',
      ],
      ['seq.json', { ...proof, entry: { ...proof.entry, seq: 1 } }, 'BROKEN: entry 1: the entry text says seq 2'],
      [
        'signature.json',
        {
          ...proof,
          checkpoint: { note: proof.checkpoint.note.replace(/\n(\d+)\n/, (_, n: string) => `\n${Number(n) + 1}\n`) },
        },
        'BROKEN: checkpoint',
      ],
    ]
    const results = await Promise.all(cases.map(([name, file]) => tgctl('audit', 'verify', write(name, file))))
    for (const [i, [name, , expected]] of cases.entries()) {
      expect(results[i]?.status, name).toBe(1)
      expect(results[i]?.stdout, name).toContain(expected)
    }
  })

  it('exits 2 for an entry proof of an unknown shape', async () => {
    const result = await tgctl('audit', 'verify', write('shape.json', { ...proof, entry: { seq: 2 } }))
    expect(result.status).toBe(2)
    expect(result.stderr).toContain('not an entry proof')
  })
})
