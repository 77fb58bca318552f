/**
 * tgctl: operator commands that run beside (not inside) the server.
 *
 *   pnpm tgctl admin create-user | unlock | set-password ...   (see ./admin.ts)
 *   pnpm tgctl audit verify ...
 *   pnpm tgctl tgsp ...
 *   pnpm tgctl fedmoe evidence push ...
 *   pnpm tgctl keys rewrap --old-key-env OLD --new-key-env NEW   (see ./keys.ts)
 *   pnpm tgctl backup --out FILE / restore --from FILE            (see ./backup.ts)
 */
import { ConfigError } from '../env'
import { AppError } from '../lib/errors'
import { ADMIN_USAGE, adminCommand } from './admin'
import { AUDIT_VERIFY_USAGE, auditVerify } from './audit-verify'
import { BACKUP_USAGE, backupCommand } from './backup'
import { FEDMOE_USAGE, fedmoeCommand } from './fedmoe'
import { KEYS_USAGE, keysCommand } from './keys'
import { TGSP_USAGE, tgspCommand } from './tgsp'

const USAGE = `Usage:
${ADMIN_USAGE}

${AUDIT_VERIFY_USAGE}

${TGSP_USAGE}

${FEDMOE_USAGE}

${KEYS_USAGE}

${BACKUP_USAGE}`

/** The usage of one command group, or all of them. */
const GROUP_USAGE: Record<string, string> = {
  admin: ADMIN_USAGE,
  audit: AUDIT_VERIFY_USAGE,
  tgsp: TGSP_USAGE,
  fedmoe: FEDMOE_USAGE,
  keys: KEYS_USAGE,
  backup: BACKUP_USAGE,
  restore: BACKUP_USAGE,
}
const HELP = new Set(['--help', '-h', 'help'])

async function main(argv: string[]): Promise<number> {
  const [group, command, ...rest] = argv
  // Asking for help is not an error: usage on stdout, exit 0 (`tgctl --help`, `tgctl tgsp --help`).
  if (group === undefined || HELP.has(group) || (command !== undefined && HELP.has(command))) {
    console.log(`Usage:\n${(group !== undefined && GROUP_USAGE[group]) || USAGE.replace(/^Usage:\n/, '')}`)
    return 0
  }
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
  if (group === 'backup' || group === 'restore')
    return backupCommand(
      group,
      command === undefined ? rest : [command, ...rest],
      (line) => console.log(line),
      (line) => console.error(line),
    )
  if (group === 'admin' && (await adminCommand(command, rest))) return 0
  if (group === 'keys' && (await keysCommand(command, rest))) return 0
  console.error(USAGE)
  return 2
}

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (err) {
  if (err instanceof AppError || err instanceof ConfigError || err instanceof Error)
    console.error(`tgctl: ${err.message}`)
  else console.error('tgctl: failed', err)
  process.exitCode = 1
}
