/**
 * `pnpm bench:lighthouse`: Lighthouse (pinned, 12.x: runs on Node 20) against the built console
 * served by the real BFF on a fresh data directory, in Debian's Chromium. Seeds what the pages
 * show through the API (the first admin, a run with rounds, a released package), then audits
 * sign-in signed out, and the dashboard, marketplace, audit trail and a run's page signed in (the
 * session cookie is sent with every request). Prints the performance and accessibility scores per
 * page, the main metrics, and every audit that cost points. Goals: performance >= 90,
 * accessibility 100. Figures only. Both of Lighthouse's presets by default: desktop, and mobile
 * (simulated slow 4G and a 4x slower CPU); LIGHTHOUSE_PRESET=desktop|mobile for one,
 * LIGHTHOUSE_PAGES=dashboard,audit for some pages, LIGHTHOUSE_RUNS (default 3) runs per page,
 * LIGHTHOUSE_REPORT_DIR to keep each page's whole report.
 */
import { writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import * as chromeLauncher from 'chrome-launcher'
import lighthouse from 'lighthouse'
import type { Flags, Result } from 'lighthouse'
import { completeSetup } from '../support/api'
import { startConsoleServer } from '../support/console-server'
import { buildPackage, releasePackage } from '../support/tgsp'
import { createRunWithRounds } from '../support/training'

const CHROMIUM = process.env.TG_CHROMIUM ?? '/usr/bin/chromium'
/** A folder to write each page's whole report to (JSON), for a closer look. */
const REPORT_DIR = process.env.LIGHTHOUSE_REPORT_DIR
/** LIGHTHOUSE_PAGES=dashboard,audit audits only those pages. */
const ONLY = process.env.LIGHTHOUSE_PAGES?.split(',')
type Preset = 'desktop' | 'mobile'
const PRESETS: Preset[] =
  process.env.LIGHTHOUSE_PRESET === 'desktop' || process.env.LIGHTHOUSE_PRESET === 'mobile'
    ? [process.env.LIGHTHOUSE_PRESET]
    : ['desktop', 'mobile']
/** Runs per page and preset; the one with the median performance score is printed (Lighthouse's advice). */
const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3)
const METRICS = [
  ['first-contentful-paint', 'FCP'],
  ['largest-contentful-paint', 'LCP'],
  ['total-blocking-time', 'TBT'],
  ['cumulative-layout-shift', 'CLS'],
  ['speed-index', 'SI'],
] as const

type Page = { name: string; path: string; isSignedIn: boolean }

function lostPoints(lhr: Result, category: 'performance' | 'accessibility'): string[] {
  return lhr.categories[category]!.auditRefs.filter((ref) => ref.weight > 0)
    .map((ref) => lhr.audits[ref.id]!)
    .filter((audit) => audit.score !== null && audit.score < 1 && audit.scoreDisplayMode !== 'informative')
    .map((audit) => `${audit.id} (${audit.score?.toFixed(2)}${audit.displayValue ? `, ${audit.displayValue}` : ''})`)
}

function printPage(page: Page, lhr: Result) {
  const score = (id: 'performance' | 'accessibility') => Math.round((lhr.categories[id]?.score ?? 0) * 100)
  const perf = score('performance')
  const a11y = score('accessibility')
  const metrics = METRICS.map(([id, label]) => `${label} ${lhr.audits[id]?.displayValue ?? '-'}`).join(', ')
  console.log(
    `${page.name.padEnd(12)} performance ${String(perf).padStart(3)} ${perf >= 90 ? '(met)   ' : '(MISSED)'} ` +
      `accessibility ${String(a11y).padStart(3)} ${a11y === 100 ? '(met)   ' : '(MISSED)'}  ${metrics}`,
  )
  for (const category of ['performance', 'accessibility'] as const) {
    const lost = lostPoints(lhr, category)
    if (lost.length > 0) console.log(`${''.padEnd(12)} ${category} lost points on: ${lost.join('; ')}`)
  }
  if (lhr.runtimeError) console.log(`${''.padEnd(12)} runtime error: ${lhr.runtimeError.message}`)
}

/** Audits `url` RUNS times; returns the report with the median performance score of those that ran. */
async function audit(port: number, url: string, preset: Preset, cookie: string | null): Promise<Result> {
  const flags: Flags = {
    port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility'],
    ...(cookie ? { extraHeaders: { Cookie: `tg_session=${cookie}` } } : {}),
  }
  const config = preset === 'desktop' ? (await import('lighthouse/core/config/desktop-config.js')).default : undefined
  const reports: Result[] = []
  for (let run = 0; run < RUNS; run++) {
    const result = await lighthouse(url, flags, config)
    if (!result) throw new Error(`Lighthouse returned nothing for ${url}`)
    reports.push(result.lhr)
  }
  // A run whose trace failed (Lighthouse's runtimeError, NO_NAVSTART and the like) has no score
  // to rank: the median is taken over the others, and a page where every run failed shows it.
  const perf = (r: Result) => r.categories.performance?.score ?? 0
  const scored = reports.filter((r) => !r.runtimeError)
  const ranked = (scored.length > 0 ? scored : reports).sort((a, b) => perf(a) - perf(b))
  return ranked[Math.floor(ranked.length / 2)]!
}

async function main() {
  // Built before any request: tgctl blocks this process, and a keep-alive socket the server
  // closed meanwhile would be reused and fail.
  const built = buildPackage('1.0.0', 'A package for the Lighthouse pages.')
  const server = await startConsoleServer()
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
  })
  try {
    if (!server.setupUrl) throw new Error('a fresh console printed no setup link')
    const admin = await completeSetup(server.url, server.setupUrl)
    const runId = await createRunWithRounds(server.url, admin, 'lighthouse-run', 12)
    await releasePackage(server.url, admin, built, 'stable')
    const pages: Page[] = [
      { name: 'sign-in', path: '/sign-in', isSignedIn: false },
      { name: 'dashboard', path: '/', isSignedIn: true },
      { name: 'marketplace', path: '/marketplace', isSignedIn: true },
      { name: 'audit', path: '/audit', isSignedIn: true },
      { name: 'run', path: `/training/runs/${runId}`, isSignedIn: true },
    ]
    for (const preset of PRESETS) {
      console.log(
        `\npnpm bench:lighthouse: Lighthouse 12.8.2, ${preset} preset, median of ${RUNS} run(s) per page, ` +
          `${CHROMIUM}, the built console at ${server.url}; machine load average ${loadavg()[0]!.toFixed(1)} ` +
          `on ${availableParallelism()} cores`,
      )
      for (const page of pages.filter((p) => !ONLY || ONLY.includes(p.name))) {
        const lhr = await audit(chrome.port, `${server.url}${page.path}`, preset, page.isSignedIn ? admin.cookie : null)
        printPage(page, lhr)
        if (REPORT_DIR) writeFileSync(join(REPORT_DIR, `${preset}-${page.name}.json`), JSON.stringify(lhr))
      }
    }
  } finally {
    chrome.kill()
    await server.stop()
    built.cleanup()
  }
}

await main()
