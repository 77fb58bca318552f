/**
 * Runs the test OpenID provider as a process of its own, for browser tests: the client and the
 * accounts come as JSON in TG_TEST_OIDC (see startTestOidcProvider); prints `oidc-provider
 * listening {"issuer":...}` when it answers and stops on SIGTERM.
 */
import { startTestOidcProvider } from './oidc-provider'

const config = JSON.parse(process.env.TG_TEST_OIDC ?? '') as Parameters<typeof startTestOidcProvider>[0]
const provider = await startTestOidcProvider(config)
process.stdout.write(`oidc-provider listening ${JSON.stringify({ issuer: provider.issuer })}\n`)
const stop = () => void provider.close().then(() => process.exit(0))
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
