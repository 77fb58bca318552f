import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

/**
 * Envelope encryption for secrets at rest. Each secret is encrypted with AES-256-GCM under its
 * own random data key; the data key is wrapped (AES-256-GCM) by a key-encryption key derived
 * with HKDF-SHA256 from TG_KEY_MASTER. `purpose` is bound as associated data to both layers, so
 * a sealed value cannot be moved to another use.
 */
export interface Sealer {
  seal(plaintext: Uint8Array, purpose: string): string
  open(sealed: string, purpose: string): Buffer
}

type Sealed = { v: 1; iv: string; ct: string; tag: string; wiv: string; wdek: string; wtag: string }

const KEK_INFO = 'tensorguardflow/kek/v1'

function encrypt(key: Buffer, plaintext: Uint8Array, aad: Buffer) {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad)
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return { iv, ct, tag: cipher.getAuthTag() }
}

function decrypt(key: Buffer, iv: Buffer, ct: Buffer, tag: Buffer, aad: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv).setAAD(aad)
  decipher.setAuthTag(tag)
  return Buffer.concat([decipher.update(ct), decipher.final()])
}

export class SealError extends Error {
  override name = 'SealError'
}

export function createSealer(keyMaster: string): Sealer {
  const kek = Buffer.from(hkdfSync('sha256', Buffer.from(keyMaster, 'utf8'), Buffer.alloc(0), KEK_INFO, 32))
  const b64 = (b: Buffer) => b.toString('base64')
  return {
    seal(plaintext, purpose) {
      const aad = Buffer.from(purpose, 'utf8')
      const dek = randomBytes(32)
      const inner = encrypt(dek, plaintext, aad)
      const wrapped = encrypt(kek, dek, aad)
      dek.fill(0)
      const sealed: Sealed = {
        v: 1,
        iv: b64(inner.iv),
        ct: b64(inner.ct),
        tag: b64(inner.tag),
        wiv: b64(wrapped.iv),
        wdek: b64(wrapped.ct),
        wtag: b64(wrapped.tag),
      }
      return JSON.stringify(sealed)
    },
    open(text, purpose) {
      const aad = Buffer.from(purpose, 'utf8')
      try {
        const s = JSON.parse(text) as Sealed
        const buf = (v: string) => Buffer.from(v, 'base64')
        const dek = decrypt(kek, buf(s.wiv), buf(s.wdek), buf(s.wtag), aad)
        const plain = decrypt(dek, buf(s.iv), buf(s.ct), buf(s.tag), aad)
        dek.fill(0)
        return plain
      } catch {
        throw new SealError(`Cannot open a sealed secret for "${purpose}": wrong TG_KEY_MASTER or tampered data.`)
      }
    },
  }
}
