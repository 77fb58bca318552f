import { defineConfig } from '@playwright/test'

/**
 * Browser tests drive the real built console (web/dist) served by the real BFF. Each spec file
 * starts its own BFF on a free port with a fresh data directory (see support/console-server.ts),
 * holding a copy of one embedded database made once per run (support/global-setup.ts).
 * Chromium is Debian's (`/usr/bin/chromium`): Playwright cannot download browsers here.
 */
export default defineConfig({
  testDir: './tests',
  globalSetup: './support/global-setup.ts',
  outputDir: './test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.TG_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
})
