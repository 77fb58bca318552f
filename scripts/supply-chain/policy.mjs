// Decisions of the supply-chain check, kept apart from the tools that feed them so that each rule
// is tested on its own (policy.test.mjs). Every function returns what it found; none prints.

/** SPDX identifiers a production dependency may carry. Reasons in README.md, "### Supply chain". */
export const ALLOWED_LICENSES = new Set([
  'MIT',
  'ISC',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  '0BSD',
  'BlueOak-1.0.0',
  'CC0-1.0',
  'Python-2.0',
  'MPL-2.0',
  'Unlicense',
])

/** Severities that fail the audit (`--audit-level high`). */
export const FAILING_SEVERITIES = ['high', 'critical']

/**
 * Whether an SPDX license expression is allowed: `A OR B` needs one allowed side, `A AND B`
 * needs both; parentheses group. Anything unparsable, UNLICENSED or unknown is refused.
 */
export function licenseAllowed(expression, allowed = ALLOWED_LICENSES) {
  if (typeof expression !== 'string' || expression.trim() === '') return false
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? []
  let pos = 0
  const orExpr = () => {
    let value = andExpr()
    while (tokens[pos] === 'OR') {
      pos += 1
      const right = andExpr()
      value = value || right
    }
    return value
  }
  const andExpr = () => {
    let value = atom()
    while (tokens[pos] === 'AND') {
      pos += 1
      const right = atom()
      value = value && right
    }
    return value
  }
  const atom = () => {
    const token = tokens[pos]
    pos += 1
    if (token === '(') {
      const value = orExpr()
      if (tokens[pos] !== ')') throw new Error('unbalanced parentheses')
      pos += 1
      return value
    }
    if (token === undefined || token === ')' || token === 'AND' || token === 'OR') throw new Error('bad expression')
    return allowed.has(token)
  }
  try {
    const value = orExpr()
    return pos === tokens.length && value
  } catch {
    return false
  }
}

/**
 * Checks the output of `pnpm licenses list --prod --json` ({ license: [{ name, versions }] }).
 * Returns the licenses seen with their package counts and the packages refused.
 */
export function checkLicenses(report, allowed = ALLOWED_LICENSES) {
  const seen = {}
  const refused = []
  let packages = 0
  for (const [license, list] of Object.entries(report)) {
    seen[license] = list.length
    packages += list.length
    if (licenseAllowed(license, allowed)) continue
    for (const pkg of list) refused.push(`${pkg.name}@${(pkg.versions ?? []).join(',')} (${license})`)
  }
  return { packages, seen, refused }
}

/**
 * Classifies the output of `pnpm audit --json`. `registry-refused` is the one reply that is not a
 * network failure: the registry answers but offers no audit API (HTTP 405 on both endpoints).
 */
export function classifyAudit(output) {
  let json
  try {
    json = JSON.parse(output)
  } catch {
    return { kind: 'failed', reason: `pnpm audit printed no JSON: ${output.slice(0, 300)}` }
  }
  if (json.error) {
    const message = String(json.error.message ?? '')
    const refusals = message.match(/responded with 40[45]/g) ?? []
    if (json.error.code === 'ERR_PNPM_AUDIT_BAD_RESPONSE' && refusals.length >= 2) {
      return { kind: 'registry-refused', reason: `${json.error.code}: ${message}` }
    }
    return { kind: 'failed', reason: `${json.error.code ?? 'error'}: ${message}` }
  }
  const counts = json.metadata?.vulnerabilities
  if (!counts) return { kind: 'failed', reason: 'pnpm audit JSON has no metadata.vulnerabilities' }
  const severities = { info: 0, low: 0, moderate: 0, high: 0, critical: 0, ...counts }
  const findings = Object.values(json.advisories ?? {})
    .filter((a) => FAILING_SEVERITIES.includes(a.severity))
    .map(
      (a) =>
        `${a.severity} ${a.module_name} ${a.vulnerable_versions} (fixed in ${a.patched_versions}): ${a.title} ${a.url}`,
    )
  const failing = FAILING_SEVERITIES.reduce((sum, s) => sum + (severities[s] ?? 0), 0)
  return {
    kind: failing > 0 ? 'vulnerable' : 'clean',
    audited: json.metadata.dependencies ?? json.metadata.totalDependencies ?? 0,
    severities,
    findings,
  }
}

const EXACT = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/

/** Production dependencies given as a range instead of an exact version (`workspace:*` is ours). */
export function rangedProductionDependencies(manifests) {
  const ranged = []
  for (const { file, manifest } of manifests) {
    for (const [name, spec] of Object.entries(manifest.dependencies ?? {})) {
      if (spec.startsWith('workspace:') || EXACT.test(spec)) continue
      ranged.push(`${file}: ${name} ${spec}`)
    }
  }
  return ranged
}

/** Minimal validation of a CycloneDX JSON document; returns its component counts. */
export function validateSbom(text) {
  let bom
  try {
    bom = JSON.parse(text)
  } catch (error) {
    throw new Error(`SBOM is not JSON: ${error.message}`, { cause: error })
  }
  if (bom.bomFormat !== 'CycloneDX')
    throw new Error(`SBOM bomFormat is ${JSON.stringify(bom.bomFormat)}, not "CycloneDX"`)
  if (!Array.isArray(bom.components) || bom.components.length === 0) throw new Error('SBOM has no components')
  const nameless = bom.components.filter((c) => !c.name || !c.purl)
  if (nameless.length > 0) throw new Error(`SBOM has ${nameless.length} components without name or purl`)
  return { specVersion: bom.specVersion, components: bom.components.length }
}

/** Findings of `secretlint --format json` ([{ filePath, messages }]) as readable lines. */
export function secretFindings(results, root) {
  const lines = []
  for (const result of results) {
    const file = result.filePath.startsWith(root) ? result.filePath.slice(root.length + 1) : result.filePath
    for (const m of result.messages ?? []) {
      lines.push(`${file}:${m.loc?.start?.line ?? '?'} ${m.ruleId}: ${m.messageId ?? ''}`.trim())
    }
  }
  return lines
}
