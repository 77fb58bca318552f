import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** A random URL-safe token of `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

/**
 * Hashes a high-entropy secret (session token, API key, setup token) for storage and lookup.
 * Keyed with the session secret, so a copy of the database alone cannot confirm a guess.
 */
export function createSecretHasher(key: Buffer): (secret: string) => string {
  return (secret) => createHmac('sha256', key).update(secret).digest('base64url')
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
