// Rules of the supply-chain check, fed with the real tools' output where the tool can produce the
// case here (a refused connection, a planted private key) and with their documented JSON otherwise.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import {
  checkLicenses,
  classifyAudit,
  licenseAllowed,
  rangedProductionDependencies,
  secretFindings,
  validateSbom,
} from './policy.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

test('license expressions: allow list, OR, AND, parentheses, refusals', () => {
  assert.equal(licenseAllowed('MIT'), true)
  assert.equal(licenseAllowed('(MIT OR GPL-3.0-only)'), true)
  assert.equal(licenseAllowed('MIT AND GPL-3.0-only'), false)
  assert.equal(licenseAllowed('(MIT AND Apache-2.0) OR GPL-2.0'), true)
  assert.equal(licenseAllowed('GPL-3.0-or-later'), false)
  assert.equal(licenseAllowed('AGPL-3.0'), false)
  assert.equal(licenseAllowed('UNLICENSED'), false)
  assert.equal(licenseAllowed('Unknown'), false)
  assert.equal(licenseAllowed(''), false)
  assert.equal(licenseAllowed('(MIT'), false)
  assert.equal(licenseAllowed('MIT OR'), false)
})

test('licenses: a copyleft production package is refused by name and version', () => {
  const result = checkLicenses({
    MIT: [{ name: 'a', versions: ['1.0.0'] }],
    'GPL-3.0': [{ name: 'b', versions: ['2.1.0'] }],
  })
  assert.equal(result.packages, 2)
  assert.deepEqual(result.refused, ['b@2.1.0 (GPL-3.0)'])
})

test('audit: a refused connection is a failure, not a pass', () => {
  // Port 9 (discard) on loopback refuses the connection: the registry is "down".
  const result = spawnSync('pnpm', ['audit', '--prod', '--json', '--registry', 'http://127.0.0.1:9/'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, npm_config_fetch_retries: '0' },
  })
  const verdict = classifyAudit(result.stdout.trim() || result.stderr.trim())
  assert.equal(verdict.kind, 'failed')
  assert.match(verdict.reason, /ECONNREFUSED/)
})

test('audit: HTTP 405 on both endpoints is told apart from other replies', () => {
  const refused = {
    error: {
      code: 'ERR_PNPM_AUDIT_BAD_RESPONSE',
      message:
        'The audit endpoint (at https://r/-/npm/v1/security/audits/quick) responded with 405: . Fallback endpoint (at https://r/-/npm/v1/security/audits) responded with 405: ',
    },
  }
  assert.equal(classifyAudit(JSON.stringify(refused)).kind, 'registry-refused')
  const serverError = { error: { code: 'ERR_PNPM_AUDIT_BAD_RESPONSE', message: 'responded with 503: ' } }
  assert.equal(classifyAudit(JSON.stringify(serverError)).kind, 'failed')
  assert.equal(classifyAudit('<html>proxy error</html>').kind, 'failed')
  assert.equal(classifyAudit('{}').kind, 'failed')
})

test('audit: high or critical advisories fail, moderate ones are counted only', () => {
  const report = (severity) => ({
    advisories: {
      1: {
        module_name: 'x',
        severity,
        vulnerable_versions: '<1.2.3',
        patched_versions: '>=1.2.3',
        title: 'Prototype pollution',
        url: 'https://example.invalid/1',
      },
    },
    metadata: {
      vulnerabilities: {
        info: 0,
        low: 0,
        moderate: severity === 'moderate' ? 1 : 0,
        high: severity === 'high' ? 1 : 0,
        critical: 0,
      },
      dependencies: 153,
    },
  })
  const high = classifyAudit(JSON.stringify(report('high')))
  assert.equal(high.kind, 'vulnerable')
  assert.equal(high.audited, 153)
  assert.match(high.findings[0], /^high x <1\.2\.3 \(fixed in >=1\.2\.3\)/)
  const moderate = classifyAudit(JSON.stringify(report('moderate')))
  assert.equal(moderate.kind, 'clean')
  assert.equal(moderate.severities.moderate, 1)
})

test('pins: ranges in production dependencies are listed, exact and workspace ones pass', () => {
  const ranged = rangedProductionDependencies([
    {
      file: 'bff/package.json',
      manifest: {
        dependencies: { a: '1.2.3', b: '^1.2.3', c: 'workspace:*', d: '1.0.0-rc.1', e: 'latest', f: '~2.0.0' },
        devDependencies: { g: '^3.0.0' },
      },
    },
  ])
  assert.deepEqual(ranged, ['bff/package.json: b ^1.2.3', 'bff/package.json: e latest', 'bff/package.json: f ~2.0.0'])
})

test('sbom: JSON, CycloneDX and at least one component with a purl', () => {
  assert.throws(() => validateSbom('not json'), /not JSON/)
  assert.throws(() => validateSbom('{"bomFormat":"SPDX","components":[{}]}'), /not "CycloneDX"/)
  assert.throws(() => validateSbom('{"bomFormat":"CycloneDX","components":[]}'), /no components/)
  assert.throws(() => validateSbom('{"bomFormat":"CycloneDX","components":[{"name":"a"}]}'), /without name or purl/)
  const ok = validateSbom(
    '{"bomFormat":"CycloneDX","specVersion":"1.7","components":[{"name":"a","purl":"pkg:npm/a@1.0.0"}]}',
  )
  assert.deepEqual(ok, { specVersion: '1.7', components: 1 })
})

test('secrets: the repository configuration finds a planted private key without printing it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tg-secretlint-'))
  try {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' })
    writeFileSync(join(dir, 'deploy-key.pem'), pem)
    writeFileSync(join(dir, 'clean.txt'), 'nothing to see\n')
    const report = join(dir, 'report.json')
    const result = spawnSync(
      join(root, 'node_modules', '.bin', 'secretlint'),
      [
        '--secretlintrc',
        join(root, '.secretlintrc.json'),
        '--format',
        'json',
        '--output',
        report,
        'deploy-key.pem',
        'clean.txt',
      ],
      { cwd: dir, encoding: 'utf8' },
    )
    assert.equal(result.error, undefined)
    const results = JSON.parse(readFileSync(report, 'utf8'))
    assert.equal(results.length, 2, 'both files are scanned')
    const found = secretFindings(results, dir)
    assert.equal(found.length, 1)
    assert.match(found[0], /^deploy-key\.pem:1 @secretlint\/secretlint-rule-privatekey/)
    const body = pem.split('\n')[1]
    assert.equal(found[0].includes(body), false, 'the printed finding must not contain the key')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
