import { writeFile } from 'node:fs/promises'
import { test } from '@playwright/test'
import type { TestInfo } from '@playwright/test'
import type { ServerReport } from './console-server'

/** Lines of each server's output that a failed test prints. */
const LOG_TAIL_LINES = 200

const reported = new WeakMap<TestInfo, Set<ServerReport>>()

/** The running test's (or hook's) info, or null outside of one. */
export function currentTestInfo(): TestInfo | null {
  try {
    return test.info()
  } catch {
    return null
  }
}

export function hasFailed(testInfo: TestInfo): boolean {
  return testInfo.status !== testInfo.expectedStatus || testInfo.errors.length > 0
}

/**
 * Attaches each server's whole output to the test and prints its last lines, once per test and
 * server: the fixture calls this after a failed test, and `stop()` after a failed hook (a
 * `beforeAll` that fails runs no test fixture, only the `afterAll` that stops the server).
 */
export async function reportServerLogs(testInfo: TestInfo, servers: ServerReport[]): Promise<void> {
  const done = reported.get(testInfo) ?? new Set<ServerReport>()
  reported.set(testInfo, done)
  for (const server of servers) {
    if (done.has(server)) continue
    done.add(server)
    const name = `console-server-${done.size}.log`
    const path = testInfo.outputPath(name)
    const output = server.output()
    await writeFile(path, output)
    await testInfo.attach(name, { path, contentType: 'text/plain' })
    printTail(`${name} (${server.url})`, output)
  }
}

/** Prints the last lines of a server's output to the worker's stderr, which the reporter shows. */
export function printTail(title: string, output: string): void {
  const tail = output.split('\n').slice(-LOG_TAIL_LINES).join('\n')
  console.error(`\n--- ${title}: last ${LOG_TAIL_LINES} lines ---\n${tail}\n--- end of ${title} ---`)
}
