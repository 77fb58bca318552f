/**
 * tgctl: operator commands that run beside (not inside) the server.
 *
 *   pnpm tgctl admin create-user --username alice --display-name "Alice" --roles admin [--password-stdin]
 */
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { CreateUserBodySchema } from '@tg/contracts'
import { createDatabase } from '../db/client'
import { ConfigError, parseConfig } from '../env'
import { acquireDataDirLock } from '../lib/data-dir'
import { hashPassword } from '../lib/password'
import { SYSTEM_ACTOR, auditLogOf } from '../modules/audit/record'
import { createSequencer } from '../modules/audit/tree'
import { AUDIT_VERIFY_USAGE, auditVerify } from './audit-verify'
import { TGSP_USAGE, tgspCommand } from './tgsp'
import { insertUser } from '../modules/admin/service'
import { AppError } from '../lib/errors'

const USAGE = `Usage:
  pnpm tgctl admin create-user --username NAME --display-name "Full Name" [--roles admin,operator] [--password-stdin]

Creates a user (the first admin, for example) directly in the configured database. Reads the
password from standard input with --password-stdin, otherwise asks for it without echo.
Uses the same environment as the server (TG_DATA_DIR, DATABASE_URL). With the embedded
database, stop the server first: one process at a time may open it.

${AUDIT_VERIFY_USAGE}

${TGSP_USAGE}`

async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '')
  }
  const ask = (prompt: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true })
      const output = rl as unknown as { _writeToOutput: (s: string) => void }
      output._writeToOutput = (s: string) => {
        if (s.includes(prompt)) process.stdout.write(prompt)
      }
      rl.question(prompt, (answer) => {
        rl.close()
        process.stdout.write('\n')
        resolve(answer)
      })
    })
  const first = await ask('Password: ')
  const second = await ask('Repeat password: ')
  if (first !== second) throw new Error('The passwords differ.')
  return first
}

async function createUser(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      username: { type: 'string' },
      'display-name': { type: 'string' },
      roles: { type: 'string', default: 'admin' },
      'password-stdin': { type: 'boolean', default: false },
    },
  })
  const password = await readPassword(values['password-stdin'])
  const parsed = CreateUserBodySchema.safeParse({
    username: values.username,
    displayName: values['display-name'] ?? values.username,
    password,
    roles: values.roles.split(',').map((r) => r.trim()),
  })
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join('.') || 'input'}: ${i.message}`)
    throw new Error(`Invalid input:\n${issues.join('\n')}`)
  }
  const config = parseConfig(process.env)
  const release = config.database.kind === 'pglite' ? acquireDataDirLock(config.dataDir) : () => undefined
  const database = createDatabase(config.database, { timeoutMs: config.dbTimeoutMs })
  try {
    await database.migrate()
    const audit = auditLogOf()
    const passwordHash = await hashPassword(parsed.data.password)
    const ctx = { actor: SYSTEM_ACTOR, requestId: null, clientIp: null }
    const user = await database.db.transaction((tx) => insertUser(tx, audit, ctx, parsed.data, passwordHash))
    // Hash the record into the tamper-evident log now; the server checkpoints it when it runs.
    await createSequencer(database.db, () => undefined)()
    console.log(`Created user ${user.username} (${user.roles.join(', ')}), id ${user.id}.`)
  } finally {
    await database.close()
    release()
  }
}

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
  if (group === 'admin' && command === 'create-user') {
    await createUser(rest)
    return 0
  }
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
