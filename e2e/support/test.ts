import { writeFile } from 'node:fs/promises'
import { test as base } from '@playwright/test'
import type { TestInfo } from '@playwright/test'
import { runningConsoleServers } from './console-server'
import type { ServerReport } from './console-server'

export { expect } from '@playwright/test'

/** Lines of each server's output that a failed test prints. */
const LOG_TAIL_LINES = 200

/**
 * Every spec imports `test` from here: it is Playwright's, with one automatic fixture that
 * - fails the test when a console server it uses ended by itself (a crash, whatever the browser saw);
 * - when a test fails, attaches each running server's whole output and prints its tail, so the
 *   reason a server answered as it did (or died) is in the CI output.
 */
export const test = base.extend<{ consoleServerLogs: void }>({
  consoleServerLogs: [
    // eslint-disable-next-line no-empty-pattern -- Playwright requires a destructuring pattern here
    async ({}, use, testInfo) => {
      await use()
      const servers = runningConsoleServers()
      const crashed = servers.filter((server) => server.hasExited())
      if (testInfo.status !== testInfo.expectedStatus || crashed.length > 0) await reportServerLogs(testInfo, servers)
      if (crashed.length > 0)
        throw new Error(
          `the console server ${crashed.map((s) => s.url).join(', ')} exited during the test; see its log`,
        )
    },
    { auto: true },
  ],
})

async function reportServerLogs(testInfo: TestInfo, servers: ServerReport[]): Promise<void> {
  for (const [index, server] of servers.entries()) {
    const name = `console-server-${index + 1}.log`
    const output = server.output()
    const path = testInfo.outputPath(name)
    await writeFile(path, output)
    await testInfo.attach(name, { path, contentType: 'text/plain' })
    const tail = output.split('\n').slice(-LOG_TAIL_LINES).join('\n')
    console.error(`\n--- ${name} (${server.url}), last ${LOG_TAIL_LINES} lines ---\n${tail}\n--- end of ${name} ---`)
  }
}
