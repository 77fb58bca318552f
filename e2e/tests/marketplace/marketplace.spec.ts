import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '../../support/test'
import type { Browser, Page } from '@playwright/test'
import { ADMIN, completeSetup, createUser } from '../../support/api'
import { REPO_ROOT, startConsoleServer } from '../../support/console-server'
import type { ConsoleServer } from '../../support/console-server'
import { signInUi } from '../../support/ui'

let server: ConsoleServer
let work: string

/** `pnpm tgctl ...`: the publisher's own tools, run from a shell as a publisher would. */
function tgctl(...args: string[]) {
  const run = spawnSync(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['bff/src/cli/tgctl.ts', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  })
  if (run.status !== 0) throw new Error(`tgctl ${args.join(' ')} failed: ${run.stderr}`)
  return run.stdout
}

const file = (name: string) => join(work, name)

test.beforeAll(async () => {
  // The server starts while tgctl builds the packages: in turn, they outlast the hook's minute on a busy machine.
  const starting = startConsoleServer()
  work = mkdtempSync(join(tmpdir(), 'tg-e2e-tgsp-'))
  tgctl('tgsp', 'keygen', '--type', 'signing', '--out', file('publisher'))
  tgctl('tgsp', 'keygen', '--type', 'encryption', '--out', file('fleet'))
  mkdirSync(file('adapter'))
  writeFileSync(file('adapter/adapter_config.json'), JSON.stringify({ r: 16, lora_alpha: 32 }))
  writeFileSync(file('adapter/adapter_model.bin'), Buffer.alloc(256 * 1024, 7))
  for (const version of ['1.0.0', '1.1.0'])
    tgctl(
      'tgsp', 'build', '--input-dir', file('adapter'), '--out', file(`support-bot-${version}.tgsp`),
      '--model-name', 'support-bot', '--model-version', version, '--package-id', '00112233aabbccdd',
      '--base-model', 'llama-3-8b', '--recipients', file('fleet/encryption.pub.json'),
      '--signing-key', file('publisher/signing.key.json'), '--signing-pub', file('publisher/signing.pub.json'),
    ) // prettier-ignore
  // A copy of 1.1.0 with one byte in the middle of its encrypted payload changed in transit.
  const tampered = readFileSync(file('support-bot-1.1.0.tgsp'))
  const middle = Math.floor(tampered.length / 2)
  tampered[middle] = tampered[middle]! ^ 0x01
  writeFileSync(file('support-bot-1.1.0-tampered.tgsp'), tampered)

  server = await starting
  const admin = await completeSetup(server.url, server.setupUrl as string)
  await createUser(server.url, admin, 'pia-publisher', ['publisher'])
  await createUser(server.url, admin, 'remy-releases', ['release-manager'])
})
test.afterAll(async () => {
  await server?.stop()
  rmSync(work, { recursive: true, force: true })
})

async function signedIn(browser: Browser, username: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage()
  await page.goto(`${server.url}/sign-in`)
  await signInUi(page, username, ADMIN.password)
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible()
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Marketplace' }).click()
  return page
}

async function upload(page: Page, path: string) {
  const dialog = page.getByTestId('upload-package-dialog')
  await dialog.getByLabel('Package file (.tgsp)').setInputFiles(path)
  await dialog.getByRole('button', { name: 'Upload', exact: true }).click()
  return dialog
}

test('a package built with tgctl is registered, uploaded, verified, promoted to canary and stable, and rolled back; a tampered copy is rejected', async ({
  browser,
}) => {
  test.setTimeout(180_000)

  // The admin registers the publisher's key from the file tgctl wrote.
  const admin = await signedIn(browser, ADMIN.username)
  await expect(admin.getByText('No publishers yet')).toBeVisible()
  await admin.getByTestId('empty-state').getByRole('button', { name: 'Register a publisher' }).click()
  const register = admin.getByTestId('register-publisher-dialog')
  await register.getByLabel('Name').fill('Acme Models')
  await register.getByLabel('Key file (signing.pub.json)').setInputFiles(file('publisher/signing.pub.json'))
  await register.getByRole('button', { name: 'Register publisher' }).click()
  await expect(register).toBeHidden()
  await admin.goto(`${server.url}/marketplace/fleets`)
  await admin.getByRole('button', { name: 'Create a fleet' }).first().click()
  const fleet = admin.getByTestId('fleet-edit-dialog')
  await fleet.getByLabel('Name').fill('edge-eu')
  await fleet.getByRole('button', { name: 'Create fleet' }).click()
  await expect(admin.getByTestId('fleet-row')).toHaveCount(1)

  // The publisher uploads: the first package verifies with every check, the tampered copy fails its hashes.
  const publisher = await signedIn(browser, 'pia-publisher')
  await publisher.getByTestId('empty-state').getByRole('button', { name: 'Upload a package' }).click()
  const dialog = await upload(publisher, file('support-bot-1.0.0.tgsp'))
  await expect(dialog.getByTestId('upload-result')).toHaveAttribute('data-phase', 'verified')
  await expect(dialog.locator('[data-testid="package-check"][data-ok="true"]')).toHaveCount(5)
  for (const [name, phase] of [
    ['support-bot-1.1.0-tampered.tgsp', 'rejected'],
    ['support-bot-1.1.0.tgsp', 'verified'],
  ] as const) {
    await dialog.getByRole('button', { name: /Upload another|Choose another file/ }).click()
    await upload(publisher, file(name))
    await expect(dialog.getByTestId('upload-result')).toHaveAttribute('data-phase', phase)
    if (phase === 'rejected') {
      await expect(dialog.locator('[data-testid="package-check"][data-check="hashes"]')).toHaveAttribute(
        'data-ok',
        'false',
      )
      await expect(dialog.locator('[data-testid="package-check"][data-check="hashes"]')).toContainText('payload')
      await expect(dialog.locator('[data-testid="package-check"][data-check="signatures"]')).toHaveAttribute(
        'data-ok',
        'true',
      )
    }
  }
  await dialog.getByRole('button', { name: 'Close' }).click()
  await expect(publisher.getByTestId('package-row')).toHaveCount(2)
  await expect(publisher.getByRole('button', { name: 'Promote' })).toHaveCount(0)

  // The release manager promotes 1.0.0 to canary, then to stable; then 1.1.0 to stable; then rolls back.
  const releases = await signedIn(browser, 'remy-releases')
  const promote = async (version: string, channel: string) => {
    await releases.goto(`${server.url}/marketplace`)
    await releases.getByRole('link', { name: `support-bot ${version}` }).click()
    await releases.getByRole('button', { name: 'Promote' }).click()
    const promoteDialog = releases.getByTestId('promote-package-dialog')
    await promoteDialog.getByLabel('Fleet').selectOption({ label: 'edge-eu' })
    await promoteDialog.getByLabel('Channel').selectOption(channel)
    await promoteDialog.getByRole('button', { name: 'Promote' }).click()
    await expect(promoteDialog).toBeHidden()
    await expect(releases.getByTestId('package-facts')).toContainText(`edge-eu · ${channel}`)
  }
  await promote('1.0.0', 'canary')
  await promote('1.0.0', 'stable')
  await promote('1.1.0', 'stable')

  await releases.goto(`${server.url}/marketplace/releases`)
  const stable = releases.locator('[data-testid="release-channel"][data-channel="stable"]')
  await expect(stable).toContainText('support-bot 1.1.0')
  await stable.getByRole('button', { name: 'Roll back to this: support-bot 1.0.0 on edge-eu · stable' }).click()
  const rollback = releases.getByTestId('rollback-release-dialog')
  await expect(rollback.getByTestId('rollback-summary')).toContainText('It replaces support-bot 1.1.0')
  await rollback.getByRole('button', { name: 'Roll back', exact: true }).click()
  await expect(rollback).toBeHidden()

  // What the API says is live now: 1.0.0 on both channels.
  await releases.goto(`${server.url}/marketplace`)
  await releases.getByRole('link', { name: 'support-bot 1.0.0' }).click()
  await expect(releases.getByTestId('package-facts')).toContainText('edge-eu · canary')
  await expect(releases.getByTestId('package-facts')).toContainText('edge-eu · stable')
})
