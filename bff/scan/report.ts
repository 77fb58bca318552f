/**
 * `pnpm scan` (report part): turns wapiti's JSON report and sqlmap's output into one list of
 * findings, judges them against the allow list of false positives, and prints the summary.
 * Pure functions over text, so that the unit test can feed them reports.
 */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const
export type Severity = (typeof SEVERITIES)[number]

export type Finding = {
  tool: 'wapiti' | 'sqlmap' | 'console'
  /** Which scan found it: `signed-in` or `anonymous`. */
  pass: string
  severity: Severity
  category: string
  method: string
  path: string
  parameter: string
  info: string
}

/** A finding judged a false positive: matched by tool, category and (optionally) path and parameter. */
export type AllowEntry = { tool: string; category: string; path?: string; parameter?: string; reason: string }

export type Verdict = {
  all: Finding[]
  failing: Finding[]
  allowed: { finding: Finding; reason: string }[]
  bySeverity: Record<Severity, number>
}

/** wapiti 3.0.x levels: "0" info, "1" low, "2" medium, "3" high, "4" critical. */
const WAPITI_LEVELS: Record<string, Severity> = { '0': 'info', '1': 'low', '2': 'medium', '3': 'high', '4': 'critical' }

/**
 * Header and cookie findings that wapiti 3.0.4 rates low but that OWASP ASVS level 2 requires
 * (V14.4: a content security policy, nosniff, framing refused; V3.4: HttpOnly session cookies):
 * this project treats them as medium, so that losing one fails the scan.
 */
const RAISED: { category: string; info?: RegExp }[] = [
  { category: 'Content Security Policy Configuration' },
  { category: 'HTTP Secure Headers', info: /^(X-Frame-Options|X-Content-Type-Options) / },
  { category: 'HttpOnly Flag cookie' },
]

function raised(category: string, info: string, severity: Severity): Severity {
  const isRaised = RAISED.some((r) => r.category === category && (!r.info || r.info.test(info)))
  return isRaised && SEVERITIES.indexOf(severity) < SEVERITIES.indexOf('medium') ? 'medium' : severity
}

type WapitiItem = { method?: string; path?: string; level?: number | string; parameter?: string; info?: string }
type WapitiReport = { vulnerabilities?: Record<string, WapitiItem[]>; anomalies?: Record<string, WapitiItem[]> }

/** Vulnerabilities and anomalies (a 500, a timeout) of a wapiti JSON report. */
export function parseWapitiReport(text: string, pass: string): Finding[] {
  const report = JSON.parse(text) as WapitiReport
  if (typeof report !== 'object' || report === null || !report.vulnerabilities) {
    throw new Error('not a wapiti JSON report (no "vulnerabilities")')
  }
  const findings: Finding[] = []
  for (const group of [report.vulnerabilities, report.anomalies ?? {}]) {
    for (const [category, items] of Object.entries(group)) {
      for (const item of items) {
        const level = WAPITI_LEVELS[String(item.level ?? '')]
        if (!level) throw new Error(`wapiti: unknown level ${String(item.level)} in ${category}`)
        findings.push({
          tool: 'wapiti',
          pass,
          severity: raised(category, item.info ?? '', level),
          category,
          method: item.method ?? '',
          path: item.path ?? '',
          parameter: item.parameter ?? '',
          info: item.info ?? '',
        })
      }
    }
  }
  return findings
}

/**
 * sqlmap prints, for each injectable parameter, "Parameter: <name> (<place>)" followed by
 * "Type: …" lines. Every injection is high; a target it could not test at all is reported by
 * the caller, not here.
 */
export function parseSqlmapOutput(text: string, target: { method: string; path: string }, pass: string): Finding[] {
  const findings: Finding[] = []
  const blocks = text.split(/^---$/m)
  for (const block of blocks) {
    const parameter = /^Parameter: (.+)$/m.exec(block)?.[1]
    if (!parameter) continue
    const types = [...block.matchAll(/^\s*Type: (.+)$/gm)].map((m) => m[1]?.trim() ?? '')
    findings.push({
      tool: 'sqlmap',
      pass,
      severity: 'high',
      category: 'SQL Injection',
      method: target.method,
      path: target.path,
      parameter: parameter.trim(),
      info: types.join('; '),
    })
  }
  return findings
}

export type AccessEntry = { method: string; route: string; path: string; status: number }

/**
 * The console's access log (JSON lines): requests it answered, and each 5xx as a finding unless
 * the route documents that status as a deliberate answer (501 for single sign-on when it is not
 * configured, 503 when a dependency is down). A 500 is never deliberate.
 */
export function readAccessLog(text: string, pass: string, isDocumented: (entry: AccessEntry) => boolean) {
  let requests = 0
  const errors: Finding[] = []
  for (const line of text.split('\n')) {
    if (!line.includes('"msg":"request"')) continue
    requests++
    const entry = JSON.parse(line) as AccessEntry
    if (entry.status < 500 || (entry.status !== 500 && isDocumented(entry))) continue
    errors.push({ tool: 'console', pass, severity: 'high', category: `Server error ${entry.status}`, method: entry.method,
      path: entry.route, parameter: '', info: `${entry.method} ${entry.path}` }) // prettier-ignore
  }
  return { requests, errors }
}

function matches(entry: AllowEntry, finding: Finding): boolean {
  if (entry.tool !== finding.tool || entry.category !== finding.category) return false
  if (entry.path !== undefined && !new RegExp(`^${entry.path}$`).test(finding.path)) return false
  if (entry.parameter !== undefined && entry.parameter !== finding.parameter) return false
  return true
}

export function parseAllowList(text: string): AllowEntry[] {
  const list = JSON.parse(text) as unknown
  if (!Array.isArray(list)) throw new Error('the allow list must be a JSON array')
  return list.map((raw, i) => {
    const entry = raw as Partial<AllowEntry>
    if (!entry.tool || !entry.category || !entry.reason?.trim()) {
      throw new Error(`allow list entry ${i}: tool, category and a reason are required`)
    }
    return entry as AllowEntry
  })
}

/** Medium and above fail unless an allow-list entry (with its reason) covers them. */
export function judge(findings: Finding[], allowList: AllowEntry[]): Verdict {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>
  const failing: Finding[] = []
  const allowed: Verdict['allowed'] = []
  for (const finding of findings) {
    bySeverity[finding.severity]++
    if (SEVERITIES.indexOf(finding.severity) < SEVERITIES.indexOf('medium')) continue
    const entry = allowList.find((e) => matches(e, finding))
    if (entry) allowed.push({ finding, reason: entry.reason })
    else failing.push(finding)
  }
  return { all: findings, failing, allowed, bySeverity }
}

const describe = (f: Finding) =>
  `[${f.severity}] ${f.tool} (${f.pass}) ${f.category}: ${f.method} ${f.path}${f.parameter ? ` (${f.parameter})` : ''}`

/** Identical findings (a 500 seen a hundred times) printed once, with their count. */
function grouped(findings: Finding[]): { finding: Finding; count: number }[] {
  const groups = new Map<string, { finding: Finding; count: number }>()
  for (const f of findings) {
    const key = [f.tool, f.pass, f.category, f.method, f.path, f.parameter, f.info].join('\u0000')
    const group = groups.get(key)
    if (group) group.count++
    else groups.set(key, { finding: f, count: 1 })
  }
  return [...groups.values()]
}

export type Phase = { requests: number; seconds: number }

export function formatSummary(verdict: Verdict, phases: Record<string, Phase>, seconds: number): string {
  const lines = [
    `scan: ${seconds.toFixed(0)} s in all; requests the console answered: ${Object.entries(phases)
      .map(([tool, p]) => `${tool} ${p.requests} (${p.seconds.toFixed(0)} s)`)
      .join(', ')}`,
    `scan: findings by severity: ${SEVERITIES.map((s) => `${s} ${verdict.bySeverity[s]}`).join(', ')}`,
  ]
  const below = verdict.all.filter((f) => SEVERITIES.indexOf(f.severity) < SEVERITIES.indexOf('medium'))
  for (const { finding, count } of grouped(below))
    lines.push(`scan: noted ${describe(finding)} ×${count}: ${finding.info}`)
  const reasons = new Map(verdict.allowed.map((a) => [a.finding, a.reason]))
  for (const { finding, count } of grouped(verdict.allowed.map((a) => a.finding))) {
    lines.push(`scan: allowed ${describe(finding)} ×${count}: ${reasons.get(finding) ?? ''}`)
  }
  for (const { finding, count } of grouped(verdict.failing)) {
    lines.push(`scan: FAILING ${describe(finding)} ×${count}: ${finding.info}`)
  }
  lines.push(
    verdict.failing.length === 0
      ? `scan: passed, 0 findings of medium or higher outside the allow list (${verdict.allowed.length} allowed)`
      : `scan: FAILED, ${verdict.failing.length} findings of medium or higher`,
  )
  return lines.join('\n')
}
