/**
 * `pnpm scan`: wapiti and sqlmap against the real console, signed in and not, over the routes of
 * its OpenAPI document (no blind crawl). Fails (exit 1) on any finding of medium or higher that
 * the allow list (`bff/scan/allowlist.json`, each entry with its reason) does not cover.
 * Reports go to `scan-reports/` (gitignored). Bounded: every tool has a hard timeout and the
 * whole scan stops itself after SCAN_DEADLINE_S (default 540 s).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatSummary, judge, parseAllowList, readAccessLog } from './report'
import type { Finding } from './report'
import { buildPackage, completeSetup, ensureConsoleBuilt, seed, startConsole } from './server'
import { runSqlmap } from './sqlmap'
import { buildTargets } from './targets'
import type { OpenApi } from './targets'
import type { AccessEntry } from './report'
import { ensureScanners } from './tools'
import { runWapiti } from './wapiti'

const HERE = fileURLToPath(new URL('.', import.meta.url))
const ROOT = resolve(HERE, '../..')
const OUT = join(ROOT, 'scan-reports')
const DEADLINE_S = Number(process.env.SCAN_DEADLINE_S ?? 540)
/** Routes the scan leaves alone: live event streams never end, and these would end the scan's own session. */
const SKIP = [/\/events$/, /^POST \/api\/v1\/auth\/(sign-out|password)$/]

/** Whether the route documents this status (the log names routes `/x/:id`, OpenAPI `/x/{id}`). */
function documented(doc: OpenApi, entry: AccessEntry): boolean {
  const path = entry.route.replace(/:(\w+)/g, '{$1}')
  const op = doc.paths[path]?.[entry.method.toLowerCase()]
  return op?.responses?.[String(entry.status)] !== undefined
}

const started = Date.now()
const stops: (() => Promise<void>)[] = []
const deadline = setTimeout(() => {
  console.error(`scan: FAILED, not finished after ${DEADLINE_S} s; stopping`)
  void Promise.allSettled(stops.map((s) => s())).finally(() => process.exit(1))
}, DEADLINE_S * 1000)

async function main(): Promise<number> {
  ensureScanners()
  ensureConsoleBuilt(ROOT)
  rmSync(OUT, { recursive: true, force: true })
  mkdirSync(OUT, { recursive: true })
  const allowList = parseAllowList(readFileSync(join(HERE, 'allowlist.json'), 'utf8'))
  // Built before the server starts: tgctl takes seconds, and an idle keep-alive socket would be closed meanwhile.
  const built = buildPackage(ROOT)
  const server = await startConsole(ROOT, join(OUT, 'server.log'))
  stops.push(server.stop)
  try {
    const admin = await completeSetup(server.url, server.setupUrl)
    const { ids, apiKey } = await seed(server.url, admin, built)
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as OpenApi
    const targets = buildTargets(doc, server.url, ids, SKIP)
    console.log(
      `scan: ${server.url}, ${targets.length} documented operations seeded (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    )
    const logFile = join(OUT, 'server.log')
    let offset = readFileSync(logFile).length
    /** The access log since the last call: what the console answered to one tool. */
    let phaseStart = Date.now()
    const phase = async (tool: string) => {
      const seconds = (Date.now() - phaseStart) / 1000
      await new Promise((r) => setTimeout(r, 500))
      const text = readFileSync(logFile)
      const part = text.subarray(offset).toString()
      offset = text.length
      phaseStart = Date.now()
      return { ...readAccessLog(part, tool, (e) => documented(doc, e)), seconds }
    }
    const session = [`Cookie: tg_session=${admin.cookie}`, `X-CSRF-Token: ${admin.csrf}`, `Origin: ${server.url}`]
    const [wapitiIn, wapitiOut] = await Promise.all([
      runWapiti({ base: server.url, targets, headers: session, pass: 'signed-in', out: OUT }),
      runWapiti({ base: server.url, targets, headers: [], pass: 'anonymous', out: OUT }),
    ])
    const wapitiLog = await phase('wapiti')
    const sqlmap = await runSqlmap({ targets, apiKey, out: OUT })
    const sqlmapLog = await phase('sqlmap')
    const health = await fetch(`${server.url}/healthz`)
      .then((r) => r.status)
      .catch(() => 0)
    const findings: Finding[] = [
      ...wapitiIn.findings,
      ...wapitiOut.findings,
      ...sqlmap.findings,
      ...wapitiLog.errors,
      ...sqlmapLog.errors,
    ]
    if (health !== 200) {
      findings.push({ tool: 'console', pass: 'after', severity: 'critical', category: 'Server down', method: 'GET',
        path: '/healthz', parameter: '', info: `the console answered ${health} after the scan` }) // prettier-ignore
    }
    const verdict = judge(findings, allowList)
    const phases = { wapiti: wapitiLog, sqlmap: sqlmapLog }
    const summary = formatSummary(verdict, phases, (Date.now() - started) / 1000)
    writeFileSync(join(OUT, 'summary.txt'), `${summary}\n`)
    writeFileSync(join(OUT, 'findings.json'), JSON.stringify(findings, null, 2))
    console.log(summary)
    console.log(`scan: reports in ${OUT}`)
    return verdict.failing.length === 0 ? 0 : 1
  } finally {
    await server.stop()
  }
}

main()
  .then((code) => {
    clearTimeout(deadline)
    process.exit(code)
  })
  .catch(async (err: unknown) => {
    console.error(err instanceof Error ? `${err.message}${err.cause ? ` (${String(err.cause)})` : ''}` : err)
    await Promise.allSettled(stops.map((s) => s()))
    process.exit(1)
  })
