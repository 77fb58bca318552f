import { expect } from '@playwright/test'
import type { Locator, Page } from '@playwright/test'

/** The QueryState root currently showing an error with this code. */
export function errorState(page: Page | Locator, code: string): Locator {
  return page.locator(`[data-testid="query-state"][data-state="error"][data-error-code="${code}"]`)
}

export async function signInUi(page: Page, username: string, password: string): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible()
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}
