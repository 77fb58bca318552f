import { expect, test } from '../../support/test'
import type { Page } from '@playwright/test'
import { ADMIN, completeSetup } from '../../support/api'
import { expectNoSeriousA11yViolations } from '../../support/axe'
import { startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { createExpertApi, createVersionApi } from '../../support/fedmoe'
import { buildPackage, releasePackage } from '../../support/tgsp'
import { createRunWithRounds } from '../../support/training'
import { signInUi } from '../../support/ui'

const PHONE = { width: 390, height: 844 }
test.use({ viewport: PHONE })

let server: ConsoleServer
let admin: Awaited<ReturnType<typeof completeSetup>>
test.describe.configure({ mode: 'serial' })
let built: ReturnType<typeof buildPackage>
test.beforeAll(async () => {
  // tgctl builds the package while the server starts.
  const starting = startConsoleServer()
  built = buildPackage('1.0.0')
  server = await starting
  admin = await completeSetup(server.url, server.setupUrl as string)
})
test.afterAll(async () => {
  built?.cleanup()
  await server?.stop()
})

/** What a phone user would see as a broken layout: sideways scrolling, or table headers one letter per line. */
async function expectFitsThePhone(page: Page, label: string) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  const offenders = width <= PHONE.width ? [] : await page.evaluate(overflowingElements)
  expect.soft(width, `${label}: the page scrolls sideways (${offenders.join(' | ')})`).toBeLessThanOrEqual(PHONE.width)
  const squeezed = await page.evaluate(() =>
    [...document.querySelectorAll('thead th')]
      .filter((th) => th.getBoundingClientRect().height > 80)
      .map((th) => th.textContent?.trim()),
  )
  expect.soft(squeezed, `${label}: table headers wrapped to a column of letters (${squeezed.join(', ')})`).toEqual([])
}

/** The innermost elements past the right edge that are not inside a scrolling container (for the failure message). */
function overflowingElements(): string[] {
  const clips = (el: Element) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX)
  const isClipped = (el: Element) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (clips(p)) return true
    return false
  }
  const over = [...document.querySelectorAll('body *')].filter(
    (el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && !isClipped(el),
  )
  const leaves = over.filter((el) => !over.some((other) => other !== el && el.contains(other)))
  const path = (el: Element) => {
    const parts: string[] = []
    for (let p: Element | null = el; p && parts.length < 4; p = p.parentElement)
      parts.unshift(
        `${p.tagName.toLowerCase()}${p.classList.length ? '.' + [...p.classList].slice(0, 2).join('.') : ''}`,
      )
    return `${parts.join('>')} [${Math.round(el.getBoundingClientRect().right)}]`
  }
  return leaves.slice(0, 6).map(path)
}

async function getJson<T>(path: string, session: { cookie: string; csrf: string }): Promise<T> {
  const res = await fetch(`${server.url}${path}`, { headers: { cookie: `tg_session=${session.cookie}` } })
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`)
  return (await res.json()) as T
}

test('every page fits a phone, without sideways scrolling, and passes an axe scan', async ({ page }) => {
  test.setTimeout(240_000)
  await releasePackage(server.url, admin, built, 'canary')
  const runId = await createRunWithRounds(server.url, admin, 'phone-run', 3)
  const expertId = await createExpertApi(server.url, admin, 'phone-expert')
  await createVersionApi(server.url, admin, expertId, '1.0.0')
  const packages = await getJson<{ items: Array<{ id: string }> }>('/api/v1/tgsp/packages', admin)
  const packageId = packages.items[0]?.id as string

  const pages: Array<[string | RegExp, string]> = [
    ['Dashboard', '/'],
    ['Training', '/training'],
    ['phone-run', `/training/runs/${runId}`],
    ['Training', '/training/calculator'],
    ['Marketplace', '/marketplace'],
    ['support-bot 1.0.0', `/marketplace/packages/${packageId}`],
    ['Marketplace', '/marketplace/releases'],
    ['Marketplace', '/marketplace/fleets'],
    ['Marketplace', '/marketplace/publishers'],
    ['FedMoE', '/fedmoe'],
    ['phone-expert', `/fedmoe/${expertId}`],
    ['Integrations', '/integrations'],
    ['Integrations', '/integrations/webhooks'],
    ['Audit', '/audit'],
    ['Admin', '/admin/users'],
    ['Admin', '/admin/api-keys'],
  ]

  const a11yFailures: string[] = []
  await page.goto(`${server.url}/sign-in`)
  await expectFitsThePhone(page, 'sign-in')
  await signInUi(page, ADMIN.username, ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()

  for (const [heading, path] of pages) {
    await page.goto(`${server.url}${path}`)
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible()
    await expect(page.locator('[data-testid="query-state"][data-state="loading"]')).toHaveCount(0)
    await expectFitsThePhone(page, path)
    // Every page is scanned before the test fails, so that one run names every page with a problem.
    await expectNoSeriousA11yViolations(page, `${path} (phone)`).catch((error: Error) =>
      a11yFailures.push(error.message),
    )
  }
  expect(a11yFailures).toEqual([])
})

test('the navigation drawer opens from the keyboard, closes on Escape and on navigation, and reaches sign-out', async ({
  page,
}) => {
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, ADMIN.username, ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()

  const toggle = page.getByRole('button', { name: 'Menu' })
  const nav = page.getByRole('navigation', { name: 'Main' })
  await expect(toggle).toHaveAttribute('aria-expanded', 'false')
  await expect(nav).toBeHidden()
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeHidden()

  await toggle.focus()
  await page.keyboard.press('Enter')
  await expect(toggle).toHaveAttribute('aria-expanded', 'true')
  await expect(nav.getByRole('link', { name: 'Training' })).toBeVisible()
  await expectFitsThePhone(page, 'open drawer')
  await expectNoSeriousA11yViolations(page, 'open drawer (phone)')
  await page.keyboard.press('Escape')
  await expect(nav).toBeHidden()
  await expect(toggle).toBeFocused()

  await toggle.click()
  await nav.getByRole('link', { name: 'Training' }).click()
  await expect(page).toHaveURL(/\/training$/)
  await expect(page.getByRole('heading', { level: 1, name: 'Training' })).toBeVisible()
  await expect(nav).toBeHidden()
  await expect(toggle).toHaveAttribute('aria-expanded', 'false')

  await toggle.click()
  await expect(page.getByTestId('nav-drawer').getByRole('link', { name: 'API docs' })).toHaveAttribute(
    'href',
    '/api/docs',
  )
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/sign-in/)
  await page.goto(`${server.url}/`)
  await expect(page).toHaveURL(/\/sign-in/)
})
