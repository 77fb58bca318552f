/**
 * tgctl: operator commands that run beside (not inside) the server.
 *
 *   pnpm tgctl admin create-user | unlock | set-password ...   (see ./admin.ts)
 *   pnpm tgctl audit verify ...
 *   pnpm tgctl tgsp ...
 *   pnpm tgctl fedmoe evidence push ...
 *   pnpm tgctl keys rewrap --old-key-env OLD --new-key-env NEW   (see ./keys.ts)
 */
import { ConfigError } from '../env'
import { AppError } from '../lib/errors'
import { ADMIN_USAGE, adminCommand } from './admin'
import { AUDIT_VERIFY_USAGE, auditVerify } from './audit-verify'
import { FEDMOE_USAGE, fedmoeCommand } from './fedmoe'
import { KEYS_USAGE, keysCommand } from './keys'
import { TGSP_USAGE, tgspCommand } from './tgsp'

const USAGE = `Usage:
${ADMIN_USAGE}

${AUDIT_VERIFY_USAGE}

${TGSP_USAGE}

${FEDMOE_USAGE}

${KEYS_USAGE}`

async function main(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv
  if (group === 'audit' && command === 'verify')
    return auditVerify(
      rest,
      (line) => console.log(line),
      (line) => console.error(line),
    )
  if (group === 'tgsp') {
    const args = command === undefined ? rest : [command, ...rest]
    return tgspCommand(
      args,
      (line) => console.log(line),
      (line) => console.error(line),
    )
  }
  if (group === 'fedmoe')
    return fedmoeCommand(
      command === undefined ? rest : [command, ...rest],
      (line) => console.log(line),
      (line) => console.error(line),
    )
  if (group === 'admin' && (await adminCommand(command, rest))) return 0
  if (group === 'keys' && (await keysCommand(command, rest))) return 0
  console.error(USAGE)
  return group === undefined || group === '--help' || group === 'help' ? 0 : 2
}

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (err) {
  if (err instanceof AppError || err instanceof ConfigError || err instanceof Error)
    console.error(`tgctl: ${err.message}`)
  else console.error('tgctl: failed', err)
  process.exitCode = 1
}
