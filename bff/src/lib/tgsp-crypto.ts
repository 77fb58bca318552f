// node:crypto (OpenSSL) implementations of the hooks the pure TGSP library accepts: much faster
// than pure JavaScript for multi-GiB payloads. Used by the upload path and by `tgctl tgsp`.
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto'
import type { ChunkCipher, Sha256Factory } from '@tg/contracts/formats/tgsp'

const TAG_BYTES = 16

export const nodeSha256: Sha256Factory = () => {
  const hash = createHash('sha256')
  return {
    update: (data) => {
      hash.update(data)
    },
    digest: () => new Uint8Array(hash.digest()),
  }
}

export const nodeChunkCipher: ChunkCipher = {
  seal(key, nonce, aad, plaintext) {
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES })
    cipher.setAAD(aad, { plaintextLength: plaintext.length })
    const body = cipher.update(plaintext)
    const final = cipher.final()
    return new Uint8Array(Buffer.concat([body, final, cipher.getAuthTag()]))
  },
  open(key, nonce, aad, sealed) {
    if (sealed.length < TAG_BYTES) throw new Error('sealed chunk is shorter than its tag')
    const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES })
    decipher.setAAD(aad, { plaintextLength: sealed.length - TAG_BYTES })
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES))
    const body = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES))
    return new Uint8Array(Buffer.concat([body, decipher.final()]))
  },
}
