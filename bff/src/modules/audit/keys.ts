import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign as nodeSign } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { desc, eq } from 'drizzle-orm'
import { ml_dsa65 } from '@noble/post-quantum/ml-dsa.js'
import type { AuditSigningKey } from '@tg/contracts'
import { formatVerifierKey, keyIdOf, toHex } from '@tg/contracts/formats/audit'
import type { AuditKeyAlgorithm, VerifierKey } from '@tg/contracts/formats/audit'
import type { Executor } from '../../db/client'
import { auditSigningKeys } from '../../db/schema'
import type { Sealer } from '../../lib/seal'

export type KeyRow = typeof auditSigningKeys.$inferSelect
export type Signer = { key: VerifierKey; sign: (message: Uint8Array) => Uint8Array }

export const purposeOf = (row: { id: string; algorithm: string }) => `audit-signing-key:${row.algorithm}:${row.id}`

function newKeyMaterial(algorithm: AuditKeyAlgorithm): { publicKey: Buffer; secret: Buffer } {
  if (algorithm === 'ed25519') {
    const pair = generateKeyPairSync('ed25519')
    const jwk = pair.publicKey.export({ format: 'jwk' })
    return {
      publicKey: Buffer.from(jwk.x as string, 'base64url'),
      secret: pair.privateKey.export({ format: 'der', type: 'pkcs8' }),
    }
  }
  // ML-DSA-65 keys are derived from a 32-byte seed (FIPS 204 KeyGen): the seed is what is sealed.
  const seed = randomBytes(32)
  return { publicKey: Buffer.from(ml_dsa65.keygen(seed).publicKey), secret: seed }
}

/** Inserts a new signing key (sealed secret) for the log named `name`. */
export async function insertSigningKey(tx: Executor, sealer: Sealer, name: string, algorithm: AuditKeyAlgorithm) {
  const { publicKey, secret } = newKeyMaterial(algorithm)
  const id = crypto.randomUUID()
  const keyId = toHex(keyIdOf({ name, algorithm, publicKey }))
  const [row] = await tx
    .insert(auditSigningKeys)
    .values({
      id,
      algorithm,
      name,
      keyId,
      publicKey,
      sealedSecret: sealer.seal(secret, purposeOf({ id, algorithm })),
      status: 'active',
    })
    .returning()
  secret.fill(0)
  if (!row) throw new Error('insert returned no row')
  return row
}

export function toVerifierKey(row: KeyRow): VerifierKey {
  return { name: row.name, algorithm: row.algorithm as AuditKeyAlgorithm, publicKey: new Uint8Array(row.publicKey) }
}

export function toSigningKey(row: KeyRow): AuditSigningKey {
  const key = toVerifierKey(row)
  return {
    id: row.id,
    name: row.name,
    algorithm: key.algorithm,
    keyId: row.keyId,
    publicKey: row.publicKey.toString('base64'),
    verifierKey: formatVerifierKey(key),
    fingerprint: createHash('sha256').update(row.publicKey).digest('hex'),
    status: row.status as AuditSigningKey['status'],
    createdAt: row.createdAt.toISOString(),
    retiredAt: row.retiredAt?.toISOString() ?? null,
  }
}

export async function listKeyRows(ex: Executor): Promise<KeyRow[]> {
  return ex.select().from(auditSigningKeys).orderBy(desc(auditSigningKeys.createdAt))
}

/** Opens sealed secrets once per key and process; signing then needs no database or KDF. */
export function createSignerCache(sealer: Sealer) {
  const cache = new Map<string, Signer>()
  return (row: KeyRow): Signer => {
    const cached = cache.get(row.id)
    if (cached) return cached
    const secret = sealer.open(row.sealedSecret, purposeOf(row))
    let sign: (message: Uint8Array) => Uint8Array
    if (row.algorithm === 'ed25519') {
      const privateKey: KeyObject = createPrivateKey({ key: secret, format: 'der', type: 'pkcs8' })
      sign = (message) => new Uint8Array(nodeSign(null, message, privateKey))
    } else {
      const { secretKey } = ml_dsa65.keygen(secret)
      sign = (message) => ml_dsa65.sign(message, secretKey)
    }
    secret.fill(0)
    const signer = { key: toVerifierKey(row), sign }
    cache.set(row.id, signer)
    return signer
  }
}

export async function activeKeyRows(ex: Executor): Promise<KeyRow[]> {
  return ex.select().from(auditSigningKeys).where(eq(auditSigningKeys.status, 'active'))
}
