import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditKeys } from '@tg/contracts'
import { AUDIT_BUNDLE_FORMAT_V1 } from '@tg/contracts/formats/audit'
import type { AuditBundle } from '@tg/contracts/formats/audit'
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
let full: AuditBundle
let filtered: AuditBundle
let verifierKeys: string[]
const write = (name: string, content: unknown) => {
  const path = join(dir, name)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  return path
}
const without = (bundle: AuditBundle, drop: (seqs: number[]) => number[]) => {
  const gone = new Set(drop(bundle.entries.map((e) => e.seq)))
  return { ...bundle, entries: bundle.entries.filter((e) => !gone.has(e.seq)) }
}

beforeAll(async () => {
  h = await createHarness()
  const auditor = { bearer: await h.apiKey(['auditor'], 'auditor') }
  for (let i = 0; i < 6; i++) await h.apiKey(['viewer'], `key ${i}`)
  const get = async <T>(path: string) => json<T>(await h.request('GET', path, auditor))
  full = await get<AuditBundle>('/api/v1/audit/export')
  filtered = await get<AuditBundle>('/api/v1/audit/export?action=admin.api_key_created&actor=tgctl')
  verifierKeys = (await get<AuditKeys>('/api/v1/audit/keys')).keys.map((k) => k.verifierKey)
  dir = mkdtempSync(join(tmpdir(), 'tg-verify-'))
})
afterAll(() => h.close())

describe('pnpm tgctl audit verify', { timeout: 180_000 }, () => {
  it('exits 0 and states the range proven complete, or that a filter left entries out', async () => {
    const treeSize = full.range.treeSize
    expect(full.range).toEqual({ fromSeq: 0, toSeq: treeSize, treeSize })
    const [whole, pinned, part] = await Promise.all([
      tgctl('audit', 'verify', write('full.json', full)),
      tgctl('audit', 'verify', write('full2.json', full), ...verifierKeys.flatMap((k) => ['--trusted-key', k])),
      tgctl('audit', 'verify', write('filtered.json', filtered)),
    ])
    expect(whole).toMatchObject({ status: 0, stderr: '' })
    expect(whole.stdout).toContain(`ALL HOLDS: entries 0..${treeSize - 1}, complete, of tree size ${treeSize}.`)
    expect(whole.stdout).toContain('compare their fingerprints out of band')
    expect(pinned.status).toBe(0)
    expect(pinned.stdout).not.toContain('out of band')
    expect(part.status).toBe(0)
    expect(part.stdout).toContain(`ALL HOLDS: entries 0..${treeSize - 1} of tree size ${treeSize}, FILTERED`)
    expect(part.stdout).toContain(`${filtered.entries.length} included, ${treeSize - filtered.entries.length} left out`)
    expect(part.stdout).toContain('it cannot prove that they fall outside the filter')
  })

  it('exits 1 naming the first missing entry, or the first broken link', async () => {
    const n = full.entries.length
    const cases: Array<[string, unknown, string]> = [
      ['middle.json', without(full, (s) => [s[4]!]), `BROKEN: entry 4: is missing`],
      ['last.json', without(full, (s) => [s[n - 1]!]), `BROKEN: entry ${n - 1}: is missing`],
      ['all-but-3.json', without(full, (s) => s.slice(3)), `BROKEN: entry 3: is missing`],
      ['none.json', without(full, (s) => s), `BROKEN: entry 0: is missing`],
      ['unfiltered.json', { ...filtered, filter: null }, 'BROKEN: entry 0: is missing'],
      [
        'tampered.json',
        {
          ...full,
          entries: full.entries.map((e) =>
            e.seq === 2 ? { ...e, canonical: e.canonical.replace('viewer', 'admin') } : e,
          ),
        },
        'BROKEN: entry 2: inclusion proof does not lead to the checkpoint root',
      ],
    ]
    const results = await Promise.all(cases.map(([name, bundle]) => tgctl('audit', 'verify', write(name, bundle))))
    for (const [i, [name, , expected]] of cases.entries()) {
      expect(results[i]?.status, name).toBe(1)
      expect(results[i]?.stdout, name).toContain(expected)
    }
  })

  it('exits 2 for an unreadable file, not JSON, an unknown or old format, and bad usage', async () => {
    const bundle = write('ok.json', full)
    const v1 = { ...without(full, (s) => [s[4]!]), format: AUDIT_BUNDLE_FORMAT_V1 }
    const cases: Array<[string, string[], string]> = [
      ['missing file', ['audit', 'verify', join(dir, 'absent.json')], 'cannot read'],
      ['not JSON', ['audit', 'verify', write('text.json', 'not { json')], 'is not JSON'],
      ['unknown format', ['audit', 'verify', write('other.json', { format: 'something/else' })], 'not an audit bundle'],
      ['v1', ['audit', 'verify', write('v1.json', v1)], 'does not state the range it covers'],
      ['unknown option', ['audit', 'verify', bundle, '--bogus'], "Unknown option '--bogus'"],
      ['no file', ['audit', 'verify'], 'a bundle file is required'],
      ['bad key', ['audit', 'verify', bundle, '--trusted-key', 'nonsense'], 'is not a verifier key'],
    ]
    const results = await Promise.all(cases.map(([, args]) => tgctl(...args)))
    for (const [i, [name, , expected]] of cases.entries()) {
      expect(results[i]?.status, name).toBe(2)
      expect(results[i]?.stderr, name).toContain(expected)
      expect(results[i]?.stdout, name).toBe('')
    }
  })
})
