import { test as base } from '@playwright/test'
import { forgetConsoleServer, runningConsoleServers, stopAllConsoleServers } from './console-server'
import { hasFailed, reportServerLogs } from './server-logs'

export { expect } from '@playwright/test'

/**
 * Every spec imports `test` from here: it is Playwright's, with automatic fixtures that
 * - end the worker's console servers that a failed hook left running;
 * - fail the test when a console server it uses ended by itself (a crash, whatever the browser saw);
 * - when a test fails, attaches each running server's whole output and prints its tail, so the
 *   reason a server answered as it did (or died) is in the CI output.
 */
export const test = base.extend<{ consoleServerLogs: void }, { consoleServerCleanup: void }>({
  // Servers that a failed or timed-out hook never stopped end with the worker, not after it.
  consoleServerCleanup: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires a destructuring pattern here
    async ({}, use) => {
      await use()
      await stopAllConsoleServers()
    },
    { auto: true, scope: 'worker' },
  ],
  consoleServerLogs: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires a destructuring pattern here
    async ({}, use, testInfo) => {
      await use()
      const servers = runningConsoleServers()
      const crashed = servers.filter((server) => server.hasExited())
      if (hasFailed(testInfo) || crashed.length > 0) await reportServerLogs(testInfo, servers)
      crashed.forEach(forgetConsoleServer)
      if (crashed.length > 0)
        throw new Error(
          `the console server ${crashed.map((s) => s.url).join(', ')} exited during the test; see its log`,
        )
    },
    { auto: true },
  ],
})
