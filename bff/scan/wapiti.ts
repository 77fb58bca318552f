/**
 * `pnpm scan` (wapiti part): attacks the console's pages and every documented GET route (with
 * its query parameters) from start URLs, in scope of the console's origin only, signed in (the
 * session cookie and CSRF header) or not. No `-x`: wapiti 3.0.4's exclusion patterns fail on
 * Python 3.11; the skipped routes are simply never given to it, and it does not crawl beyond depth 1. Its JSON report is parsed by report.ts.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseWapitiReport } from './report'
import type { Finding } from './report'
import type { Target } from './targets'
import { runTool } from './tools'

const MODULES = 'sql,blindsql,exec,xss,permanentxss,crlf,redirect,file,csp,http_headers,cookieflags,methods'
const MAX_SCAN_S = Number(process.env.SCAN_WAPITI_MAX_S ?? 150)

export async function runWapiti(options: {
  base: string
  targets: Target[]
  headers: string[]
  pass: string
  out: string
}): Promise<{ findings: Finding[] }> {
  const report = join(options.out, `wapiti-${options.pass}.json`)
  const starts = [
    `${options.base}/`,
    `${options.base}/sign-in`,
    `${options.base}/setup`,
    ...options.targets.filter((t) => t.method === 'GET').map((t) => t.url),
  ]
  const args = [
    '-u', `${options.base}/`, '--scope', 'folder', '-d', '1', '--max-links-per-page', '20',
    '-m', MODULES, '-l', '1', '-f', 'json', '-o', report, '-v', '0', '-t', '5',
    '--flush-session', '--store-session', join(options.out, `wapiti-${options.pass}-session`),
    '--max-scan-time', String(MAX_SCAN_S), '--max-attack-time', String(Math.floor(MAX_SCAN_S / 6)),
    ...starts.flatMap((url) => ['-s', url]),
    ...options.headers.flatMap((h) => ['-H', h]),
  ] // prettier-ignore
  const run = await runTool('wapiti', args, (MAX_SCAN_S + 60) * 1000)
  if (run.timedOut || !existsSync(report)) {
    throw new Error(
      `scan: wapiti (${options.pass}) ${run.timedOut ? 'timed out' : 'wrote no report'}:\n${run.output.slice(-3000)}`,
    )
  }
  return { findings: parseWapitiReport(readFileSync(report, 'utf8'), options.pass) }
}
