// Key files of `tgctl tgsp`: JSON `{ alg, classic, pqc }` (hex), secret files mode 0600.
import { constants } from 'node:fs'
import { access, mkdir, readFile, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import {
  EncryptionPublicKeySchema,
  EncryptionSecretKeySchema,
  SigningPublicKeySchema,
  SigningSecretKeySchema,
  generateEncryptionKeyPair,
  generateSigningKeyPair,
  publisherFingerprint,
  type TrustedSigner,
} from '@tg/contracts/formats/tgsp'
import type { z } from 'zod'
import { UsageError } from './usage'

export type KeyType = 'signing' | 'encryption'

async function readKeyFile<T>(file: string, schema: z.ZodType<T>, what: string): Promise<T> {
  let value: unknown
  try {
    value = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${file}: ${(error as Error).message}`)
  }
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ')
    throw new UsageError(`${file} is not ${what}: ${issues}`)
  }
  return parsed.data
}

export const readSigningPublicKey = (file: string) =>
  readKeyFile(file, SigningPublicKeySchema, 'a signing public key (signing.pub.json)')
export const readSigningSecretKey = (file: string) =>
  readKeyFile(file, SigningSecretKeySchema, 'a signing secret key (signing.key.json)')
export const readEncryptionPublicKey = (file: string) =>
  readKeyFile(file, EncryptionPublicKeySchema, 'an encryption public key (encryption.pub.json)')
export const readEncryptionSecretKey = (file: string) =>
  readKeyFile(file, EncryptionSecretKeySchema, 'an encryption secret key (encryption.key.json)')

/** A trusted publisher from a signing public key file, named after the file. */
export async function readPublisher(file: string): Promise<TrustedSigner> {
  const key = await readSigningPublicKey(file)
  const id = publisherFingerprint(key.classic, key.pqc)
  return {
    id,
    name: basename(file).replace(/\.pub\.json$|\.json$/, ''),
    classic: key.classic,
    pqc: key.pqc,
    revoked: false,
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file, constants.F_OK)
    return true
  } catch {
    return false
  }
}

/** Writes `<type>.pub.json` (0644) and `<type>.key.json` (0600) into `dir`; never overwrites. */
export async function writeKeyPair(
  dir: string,
  type: KeyType,
): Promise<{ publicFile: string; secretFile: string; fingerprint: string }> {
  const publicFile = join(dir, `${type}.pub.json`)
  const secretFile = join(dir, `${type}.key.json`)
  for (const file of [publicFile, secretFile]) {
    if (await exists(file)) throw new Error(`${file} already exists; refusing to overwrite a key.`)
  }
  const pair = type === 'signing' ? generateSigningKeyPair() : generateEncryptionKeyPair()
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await writeFile(secretFile, `${JSON.stringify(pair.secretKey, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
  await writeFile(publicFile, `${JSON.stringify(pair.publicKey, null, 2)}\n`, { mode: 0o644, flag: 'wx' })
  return { publicFile, secretFile, fingerprint: publisherFingerprint(pair.publicKey.classic, pair.publicKey.pqc) }
}
