import { parseArgs } from 'node:util'
import { and, eq } from 'drizzle-orm'
import type { Db } from '../db/client'
import { auditSigningKeys, integrationSecrets, webhookSubscriptions } from '../db/schema'
import { createSealer } from '../lib/seal'
import type { Sealer } from '../lib/seal'
import { SYSTEM_ACTOR, auditLogOf } from '../modules/audit/record'
import { purposeOf } from '../modules/audit/keys'
import { connectorSecretPurpose, webhookSecretPurpose } from '../modules/integrations/context'
import { withDatabase } from './admin'

export const KEYS_USAGE = `  pnpm tgctl keys rewrap --old-key-env OLD_VAR --new-key-env NEW_VAR

rewrap re-seals every secret kept at rest (audit signing keys, connector credentials, webhook
signing secrets) from the master key in the environment variable OLD_VAR to the one in NEW_VAR,
in one transaction: all or nothing. Stop the server, run it, then start the server with
TG_KEY_MASTER set to the new key. The key values are read from the environment, never from the
command line (where other users could see them in the process list).`

export type RewrapCounts = { auditKeys: number; connectorCredentials: number; webhookSigningKeys: number }

/** Re-seals every sealed value under `to`; throws (and the caller's transaction rolls back) if one does not open under `from`. */
export async function rewrapSealed(db: Db, from: Sealer, to: Sealer): Promise<RewrapCounts> {
  return db.transaction(async (tx) => {
    const counts: RewrapCounts = { auditKeys: 0, connectorCredentials: 0, webhookSigningKeys: 0 }
    const rewrap = (sealed: string, purpose: string) => {
      const plain = from.open(sealed, purpose)
      try {
        return to.seal(plain, purpose)
      } finally {
        plain.fill(0)
      }
    }
    for (const k of await tx.select().from(auditSigningKeys).for('update')) {
      await tx
        .update(auditSigningKeys)
        .set({ sealedSecret: rewrap(k.sealedSecret, purposeOf(k)) })
        .where(eq(auditSigningKeys.id, k.id))
      counts.auditKeys++
    }
    for (const s of await tx.select().from(integrationSecrets).for('update')) {
      await tx
        .update(integrationSecrets)
        .set({ sealed: rewrap(s.sealed, connectorSecretPurpose(s.connectorId, s.field)) })
        .where(and(eq(integrationSecrets.connectorId, s.connectorId), eq(integrationSecrets.field, s.field)))
      counts.connectorCredentials++
    }
    for (const w of await tx.select().from(webhookSubscriptions).for('update')) {
      await tx
        .update(webhookSubscriptions)
        .set({ secretSealed: rewrap(w.secretSealed, webhookSecretPurpose(w.id)) })
        .where(eq(webhookSubscriptions.id, w.id))
      counts.webhookSigningKeys++
    }
    await auditLogOf().record(
      tx,
      { actor: SYSTEM_ACTOR, requestId: null, clientIp: null },
      { action: 'keys.master_rewrapped', resourceType: 'master_key', outcome: 'success', details: { ...counts } },
    )
    return counts
  })
}

function keyFrom(envName: string | undefined, flag: string): string {
  if (!envName) throw new Error(`${flag} names the environment variable that holds the key.\n${KEYS_USAGE}`)
  const value = process.env[envName]
  if (!value) throw new Error(`The environment variable ${envName} (${flag}) is not set.`)
  if (value.length < 32) throw new Error(`The key in ${envName} is shorter than 32 characters.`)
  return value
}

export async function keysCommand(command: string | undefined, argv: string[]): Promise<boolean> {
  if (command !== 'rewrap') return false
  const { values } = parseArgs({
    args: argv,
    options: { 'old-key-env': { type: 'string' }, 'new-key-env': { type: 'string' } },
  })
  const oldKey = keyFrom(values['old-key-env'], '--old-key-env')
  const newKey = keyFrom(values['new-key-env'], '--new-key-env')
  if (oldKey === newKey) throw new Error('The old and the new key are the same.')
  await withDatabase(async (db) => {
    const counts = await rewrapSealed(db, createSealer(oldKey), createSealer(newKey))
    return (
      `Re-sealed ${counts.auditKeys} audit signing key(s), ${counts.connectorCredentials} connector credential(s) and ` +
      `${counts.webhookSigningKeys} webhook secret(s) under the new master key. Start the server with TG_KEY_MASTER set to it.`
    )
  })
  return true
}
