// `pnpm tgctl` as the specs run it, from the repository root.
import { execFile, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { REPO_ROOT } from './console-server'

const TSX = join(REPO_ROOT, 'node_modules/.bin/tsx')
const CLI = 'bff/src/cli/tgctl.ts'

/** Runs tgctl and waits, blocking: for fixtures built before any request is made. */
export function tgctl(...args: string[]): void {
  const run = spawnSync(TSX, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`tgctl ${args.join(' ')} failed: ${run.stderr}`)
}

/**
 * Runs tgctl without blocking the event loop: between requests, so that a keep-alive socket the
 * server closes meanwhile is seen closed, instead of being reused and failing the next fetch.
 */
export async function tgctlAsync(...args: string[]): Promise<void> {
  try {
    await promisify(execFile)(TSX, [CLI, ...args], { cwd: REPO_ROOT, encoding: 'utf8' })
  } catch (err) {
    throw new Error(`tgctl ${args.join(' ')} failed: ${(err as { stderr?: string }).stderr ?? String(err)}`, {
      cause: err,
    })
  }
}
