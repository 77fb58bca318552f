import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { REPO_ROOT } from './console-server'

export type OidcProviderProcess = { issuer: string; output: () => string; stop: () => Promise<void> }
export type OidcTestAccount = { sub: string; preferred_username?: string; name?: string; groups: string[] }

const START_TIMEOUT_MS = 30_000

/** A free TCP port on loopback (the console's, known before it starts: the provider needs its redirect URI). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/**
 * Starts the real OpenID provider of the BFF's tests (oidc-provider, bff/src/test/oidc-provider.ts)
 * as its own process on 127.0.0.1, with one client and these accounts.
 */
export async function startOidcProvider(options: {
  client: { clientId: string; clientSecret: string; redirectUri: string }
  accounts: OidcTestAccount[]
}): Promise<OidcProviderProcess> {
  const child = spawn(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['src/test/oidc-provider-main.ts'], {
    cwd: join(REPO_ROOT, 'bff'),
    detached: true,
    env: { ...process.env, TG_TEST_OIDC: JSON.stringify(options) },
  })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM')
      } catch {
        // Already gone.
      }
      await exited
    }
  }
  const deadline = Date.now() + START_TIMEOUT_MS
  for (;;) {
    const issuer = /oidc-provider listening (\{.*\})/.exec(output)?.[1]
    if (issuer) return { issuer: (JSON.parse(issuer) as { issuer: string }).issuer, output: () => output, stop }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop()
      throw new Error(`the OpenID provider did not start:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}
