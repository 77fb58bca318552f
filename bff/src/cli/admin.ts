import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { eq } from 'drizzle-orm'
import { CreateUserBodySchema, PasswordSchema, UsernameSchema } from '@tg/contracts'
import type { ZodType } from 'zod'
import { createDatabase } from '../db/client'
import type { Db } from '../db/client'
import { users } from '../db/schema'
import { parseConfig } from '../env'
import { acquireDataDirLock } from '../lib/data-dir'
import { hashPassword } from '../lib/password'
import { passwordWeakness } from '../lib/password-policy'
import { SYSTEM_ACTOR, auditLogOf } from '../modules/audit/record'
import { createSequencer } from '../modules/audit/tree'
import { insertUser } from '../modules/admin/service'
import { endSessions } from '../modules/auth/sessions'
import { clearAccount } from '../modules/auth/throttle'

export const ADMIN_USAGE = `  pnpm tgctl admin create-user --username NAME --display-name "Full Name" [--roles admin,operator] [--password-stdin]
  pnpm tgctl admin unlock --username NAME
  pnpm tgctl admin set-password --username NAME [--password-stdin]

create-user makes a user (the first admin, for example); unlock clears the failed sign-in
counters that block an account; set-password sets a new password and ends the user's sessions
(for the last admin who lost theirs). Passwords come from standard input with --password-stdin,
otherwise they are asked for without echo, and must pass the password policy. These commands use
the server's environment (TG_DATA_DIR, DATABASE_URL), write their audit entries as "tgctl", and
with the embedded database need the server stopped: one process at a time may open it.`

const CTX = { actor: SYSTEM_ACTOR, requestId: null, clientIp: null }

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

function parseOrThrow<T>(schema: ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input)
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues.map((i) => `  ${i.path.join('.') || 'input'}: ${i.message}`)
  throw new Error(`Invalid input:\n${issues.join('\n')}`)
}

function assertStrong(password: string, related: string[]): void {
  const weakness = passwordWeakness(password, related)
  if (weakness) throw new Error(`Invalid input:\n  password: ${weakness}`)
}

/** Opens the configured database (holding the data directory's lock), runs `work`, sequences its audit. */
export async function withDatabase(work: (db: Db) => Promise<string>): Promise<void> {
  const config = parseConfig(process.env)
  const release = config.database.kind === 'pglite' ? acquireDataDirLock(config.dataDir) : () => undefined
  const database = createDatabase(config.database, { timeoutMs: config.dbTimeoutMs })
  try {
    await database.migrate()
    const message = await work(database.db)
    // Hash the records into the tamper-evident log now; the server checkpoints them when it runs.
    await createSequencer(database.db, () => undefined)()
    console.log(message)
  } finally {
    await database.close()
    release()
  }
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
  const body = parseOrThrow(CreateUserBodySchema, {
    username: values.username,
    displayName: values['display-name'] ?? values.username,
    password: await readPassword(values['password-stdin']),
    roles: values.roles.split(',').map((r) => r.trim()),
  })
  assertStrong(body.password, [body.username, body.displayName])
  const passwordHash = await hashPassword(body.password)
  await withDatabase(async (db) => {
    const user = await db.transaction((tx) => insertUser(tx, auditLogOf(), CTX, body, passwordHash))
    return `Created user ${user.username} (${user.roles.join(', ')}), id ${user.id}.`
  })
}

async function findUser(db: Db, username: string) {
  const [user] = await db.select().from(users).where(eq(users.username, username))
  if (!user) throw new Error(`No user "${username}".`)
  return user
}

async function unlock(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { username: { type: 'string' } } })
  const username = parseOrThrow(UsernameSchema, values.username)
  await withDatabase(async (db) => {
    const user = await findUser(db, username)
    const cleared = await db.transaction(async (tx) => {
      const rows = await clearAccount(tx, user.username, new Date())
      await auditLogOf().record(tx, CTX, {
        action: 'admin.sign_in_unlocked',
        resourceType: 'user',
        resourceId: user.id,
        outcome: 'success',
        details: { username: user.username, clearedBlocks: rows.length },
      })
      return rows.length
    })
    return `Unlocked sign-in of ${user.username}: ${cleared} blocked counter(s) cleared.`
  })
}

async function setPassword(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { username: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false } },
  })
  const username = parseOrThrow(UsernameSchema, values.username)
  const password = parseOrThrow(PasswordSchema, await readPassword(values['password-stdin']))
  await withDatabase(async (db) => {
    const user = await findUser(db, username)
    assertStrong(password, [user.username, user.displayName])
    const passwordHash = await hashPassword(password)
    const ended = await db.transaction(async (tx) => {
      await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id))
      const endedSessions = await endSessions(tx, user.id)
      await clearAccount(tx, user.username, new Date())
      await auditLogOf().record(tx, CTX, {
        action: 'admin.password_set',
        resourceType: 'user',
        resourceId: user.id,
        outcome: 'success',
        details: { username: user.username, endedSessions },
      })
      return endedSessions
    })
    return `Set the password of ${user.username}; ${ended} session(s) ended.`
  })
}

/** `tgctl admin <command>`; false when the command is not one of these. */
export async function adminCommand(command: string | undefined, argv: string[]): Promise<boolean> {
  if (command === 'create-user') await createUser(argv)
  else if (command === 'unlock') await unlock(argv)
  else if (command === 'set-password') await setPassword(argv)
  else return false
  return true
}
