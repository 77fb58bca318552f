/**
 * `pnpm scan` (sqlmap part): every documented GET route in one bulk run (path ids and query
 * values marked as injection points), and every JSON body one by one (each value tested), signed
 * in with the API key as a bearer token; not signed in, the GET routes and the public bodies.
 * `--smart` runs the full tests only where the heuristics see a sign of injection, which keeps
 * the run bounded; `--time-sec` is small for the time-based tests.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseSqlmapOutput } from './report'
import type { Finding } from './report'
import type { Target } from './targets'
import { runTool } from './tools'

const PER_TARGET_MS = 60_000
const BULK_MS = Number(process.env.SCAN_SQLMAP_BULK_S ?? 150) * 1000
const PARALLEL = 2

function common(dir: string, headers: string[]): string[] {
  return [
    '--batch', '--smart', '--level', '1', '--risk', '1', '--timeout', '5', '--time-sec', '1', '--retries', '0',
    '--disable-coloring', '--flush-session', '--skip-waf', '--output-dir', dir, '--ignore-code', '401,403,404,409,422',
    ...(headers.length ? ['--headers', headers.join('\n')] : []),
  ] // prettier-ignore
}

/** Marks path ids and query values with `*` so that sqlmap tests exactly those points. */
function marked(target: Target): string {
  const url = new URL(target.url)
  const segments = url.pathname.split('/')
  const template = target.path.split('/')
  const path = segments.map((s, i) => (template[i]?.startsWith('{') ? `${s}*` : s)).join('/')
  const query = [...url.searchParams.keys()].map((k) => `${k}=${encodeURIComponent(url.searchParams.get(k) ?? '')}*`)
  return `${url.origin}${path}${query.length ? `?${query.join('&')}` : ''}`
}

async function pool<T>(items: T[], worker: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items]
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await worker(item)
  })) // prettier-ignore
}

async function scanPass(targets: Target[], headers: string[], pass: string, out: string): Promise<Finding[]> {
  const findings: Finding[] = []
  const gets = targets.filter((t) => t.method === 'GET' && (t.url.includes('?') || t.path.includes('{')))
  const bulk = join(out, `sqlmap-${pass}-urls.txt`)
  writeFileSync(bulk, gets.map(marked).join('\n'))
  const bulkRun = await runTool(
    'sqlmap',
    ['-m', bulk, ...common(join(out, `sqlmap-${pass}`, 'bulk'), headers)],
    BULK_MS,
  )
  writeFileSync(join(out, `sqlmap-${pass}-bulk.log`), bulkRun.output)
  if (bulkRun.timedOut) throw new Error(`scan: sqlmap (${pass}, GET routes) timed out`)
  findings.push(...parseSqlmapOutput(bulkRun.output, { method: 'GET', path: '(bulk)' }, pass))
  const bodies = targets.filter((t) => t.body !== undefined)
  await pool(
    bodies.map((t, i) => ({ t, dir: join(out, `sqlmap-${pass}`, String(i)) })),
    async ({ t, dir }) => {
      const json = [...headers, 'Content-Type: application/json']
      const args = ['-u', t.url, '--method', t.method, '--data', t.body ?? '', ...common(dir, json)]
      const run = await runTool('sqlmap', args, PER_TARGET_MS)
      if (run.timedOut) throw new Error(`scan: sqlmap (${pass}) timed out on ${t.method} ${t.path}`)
      findings.push(...parseSqlmapOutput(run.output, t, pass))
    },
  )
  return findings
}

export async function runSqlmap(options: { targets: Target[]; apiKey: string; out: string }) {
  const signedIn = await scanPass(
    options.targets,
    [`Authorization: Bearer ${options.apiKey}`],
    'signed-in',
    options.out,
  )
  const anonymous = await scanPass(
    options.targets.filter((t) => t.isPublic || t.method === 'GET'),
    [],
    'anonymous',
    options.out,
  )
  return { findings: [...signedIn, ...anonymous] }
}
