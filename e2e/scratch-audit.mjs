import { chromium } from '@playwright/test'
const base = 'http://127.0.0.1:8130'
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } })
page.on('console', (m) => console.log('console:', m.type(), m.text()))
page.on('pageerror', (e) => console.log('pageerror:', e.message))
await page.goto(base + '/sign-in')
await page.getByLabel('Username').fill('admin')
await page.getByLabel('Password', { exact: true }).fill('correct horse battery staple')
await page.getByRole('button', { name: 'Sign in' }).click()
await page.waitForURL(base + '/')
await page.goto(base + (process.argv[2] ?? '/audit'))
await page.waitForTimeout(4000)
console.log(await page.locator('[data-testid="audit-integrity"]').first().getAttribute('data-state'))
console.log(await page.locator('[data-testid="audit-row"]').evaluateAll((rows) => rows.map((r) => r.dataset.seq + ':' + r.dataset.verification).join(' ')))
await page.screenshot({ path: '/tmp/scratch/audit.png', fullPage: true })
if (process.argv[3]) { await page.locator('[data-testid="audit-row"]').first().click(); await page.waitForTimeout(800); await page.screenshot({ path: '/tmp/scratch/drawer.png' }) }
await browser.close()
