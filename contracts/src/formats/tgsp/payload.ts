// The encrypted payload: ChaCha20-Poly1305 over 4 MiB plaintext chunks, each framed as u32
// plaintext length || ciphertext || tag. Chunk i uses nonce SHA-256(nonce_base || u64 i)[0..12]
// and AAD ASCII(manifest hash hex || recipients hash hex) || u64 i.
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { concatBytes, createNobleSha256, formatCount, sha256Of, u32be, u64be, utf8, type Sha256Factory } from './bytes'
import { TGSP_CHUNK_OVERHEAD, TGSP_CHUNK_SIZE, TGSP_TAG_BYTES } from './constants'
import { TgspFormatError } from './errors'

/** Seals and opens one chunk; `sealed` is ciphertext || 16-byte tag. Node passes node:crypto's. */
export interface ChunkCipher {
  seal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array
  /** Throws when the tag does not verify. */
  open(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array
}

export const nobleChunkCipher: ChunkCipher = {
  seal: (key, nonce, aad, plaintext) => chacha20poly1305(key, nonce, aad).encrypt(plaintext),
  open: (key, nonce, aad, sealed) => chacha20poly1305(key, nonce, aad).decrypt(sealed),
}

/** A package this key cannot open: no recipient entry for it, a chunk tag that fails, an integrity failure. */
export class TgspOpenError extends Error {
  override name = 'TgspOpenError'
}

/** Nonce of chunk `index`: the first 12 bytes of SHA-256(nonce_base || u64 index). */
export function chunkNonce(nonceBase: Uint8Array, index: number, createSha256: Sha256Factory = createNobleSha256) {
  return sha256Of(createSha256, nonceBase, u64be(index)).subarray(0, 12)
}

/** The ASCII text that starts every chunk's associated data. */
export function chunkAadPrefix(manifestHashHex: string, recipientsHashHex: string): Uint8Array {
  return utf8(manifestHashHex + recipientsHashHex)
}

/** Associated data of chunk `index`: the prefix followed by u64 index. */
export function chunkAad(prefix: Uint8Array, index: number): Uint8Array {
  return concatBytes(prefix, u64be(index))
}

/** Encrypted length of a payload of `plaintextLength` bytes, framing included. */
export function encryptedPayloadLength(plaintextLength: number): number {
  return plaintextLength + Math.ceil(plaintextLength / TGSP_CHUNK_SIZE) * TGSP_CHUNK_OVERHEAD
}

export interface PayloadKeys {
  dataKey: Uint8Array
  nonceBase: Uint8Array
  manifestHash: string
  recipientsHash: string
  cipher?: ChunkCipher
  createSha256?: Sha256Factory
}

function withDefaults(keys: PayloadKeys): Required<PayloadKeys> {
  return { ...keys, cipher: keys.cipher ?? nobleChunkCipher, createSha256: keys.createSha256 ?? createNobleSha256 }
}

/** Cuts plaintext into 4 MiB chunks and returns framed, sealed chunks to write in order. */
export class PayloadEncryptor {
  readonly #keys: Required<PayloadKeys>
  readonly #aadPrefix: Uint8Array
  readonly #buffer = new Uint8Array(TGSP_CHUNK_SIZE)
  #fill = 0
  #index = 0

  constructor(keys: PayloadKeys) {
    this.#keys = withDefaults(keys)
    this.#aadPrefix = chunkAadPrefix(keys.manifestHash, keys.recipientsHash)
  }

  push(plaintext: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = []
    let offset = 0
    while (offset < plaintext.length) {
      const take = Math.min(TGSP_CHUNK_SIZE - this.#fill, plaintext.length - offset)
      this.#buffer.set(plaintext.subarray(offset, offset + take), this.#fill)
      this.#fill += take
      offset += take
      if (this.#fill === TGSP_CHUNK_SIZE) out.push(...this.#seal())
    }
    return out
  }

  finish(): Uint8Array[] {
    return this.#fill > 0 ? this.#seal() : []
  }

  #seal(): Uint8Array[] {
    const { cipher, dataKey, nonceBase, createSha256 } = this.#keys
    const plaintext = this.#buffer.subarray(0, this.#fill)
    const nonce = chunkNonce(nonceBase, this.#index, createSha256)
    const sealed = cipher.seal(dataKey, nonce, chunkAad(this.#aadPrefix, this.#index), plaintext)
    this.#index += 1
    this.#fill = 0
    return [u32be(plaintext.length), sealed]
  }
}

/** Receives each complete frame: its index, plaintext length and (when collecting) ciphertext || tag. */
export type FrameHandler = (index: number, plaintextLength: number, sealed: Uint8Array | null) => void

/**
 * Checks the chunk framing of a payload as its bytes stream by, without the key: every chunk
 * declares at most 4 MiB and the payload ends on a frame boundary. With `collect` it hands each
 * frame's sealed bytes to `onFrame` (buffering one frame at most).
 */
export class PayloadFramer {
  readonly #collect: boolean
  readonly #onFrame: FrameHandler | undefined
  readonly #lengthBytes = new Uint8Array(4)
  #lengthFill = 0
  #remaining = 0
  #plaintextLength = 0
  #frame: Uint8Array | null = null
  #frameFill = 0
  #index = 0
  #inBody = false

  constructor(options: { collect?: boolean; onFrame?: FrameHandler } = {}) {
    this.#collect = options.collect ?? false
    this.#onFrame = options.onFrame
  }

  /** Chunks framed so far. */
  get chunks(): number {
    return this.#index
  }

  push(bytes: Uint8Array): void {
    let offset = 0
    while (offset < bytes.length) {
      if (!this.#inBody) {
        const take = Math.min(4 - this.#lengthFill, bytes.length - offset)
        this.#lengthBytes.set(bytes.subarray(offset, offset + take), this.#lengthFill)
        this.#lengthFill += take
        offset += take
        if (this.#lengthFill === 4) this.#startFrame()
        continue
      }
      const take = Math.min(this.#remaining, bytes.length - offset)
      if (this.#frame) this.#frame.set(bytes.subarray(offset, offset + take), this.#frameFill)
      this.#frameFill += take
      this.#remaining -= take
      offset += take
      if (this.#remaining === 0) this.#endFrame()
    }
  }

  finish(): void {
    const chunk = this.#index + 1
    if (this.#inBody) {
      throw new TgspFormatError(
        'payload',
        `The payload ends inside chunk ${chunk}: ${formatCount(this.#remaining)} more bytes were expected.`,
      )
    }
    if (this.#lengthFill > 0) {
      throw new TgspFormatError('payload', `The payload ends inside the length field of chunk ${chunk}.`)
    }
  }

  #startFrame(): void {
    const length = new DataView(this.#lengthBytes.buffer).getUint32(0)
    if (length > TGSP_CHUNK_SIZE) {
      throw new TgspFormatError(
        'payload',
        `Payload chunk ${this.#index + 1} declares ${formatCount(length)} plaintext bytes, over the 4 MiB chunk size.`,
      )
    }
    this.#lengthFill = 0
    this.#inBody = true
    this.#plaintextLength = length
    this.#remaining = length + TGSP_TAG_BYTES
    this.#frameFill = 0
    this.#frame = this.#collect ? new Uint8Array(this.#remaining) : null
  }

  #endFrame(): void {
    this.#onFrame?.(this.#index, this.#plaintextLength, this.#frame)
    this.#index += 1
    this.#inBody = false
    this.#frame = null
  }
}

/** Decrypts a payload as it streams by; `push` returns the plaintext of the chunks it completed. */
export class PayloadDecryptor {
  readonly #keys: Required<PayloadKeys>
  readonly #aadPrefix: Uint8Array
  readonly #framer: PayloadFramer
  #out: Uint8Array[] = []

  constructor(keys: PayloadKeys) {
    this.#keys = withDefaults(keys)
    this.#aadPrefix = chunkAadPrefix(keys.manifestHash, keys.recipientsHash)
    this.#framer = new PayloadFramer({ collect: true, onFrame: (index, _length, sealed) => this.#open(index, sealed!) })
  }

  push(bytes: Uint8Array): Uint8Array[] {
    this.#framer.push(bytes)
    const out = this.#out
    this.#out = []
    return out
  }

  finish(): void {
    this.#framer.finish()
  }

  #open(index: number, sealed: Uint8Array): void {
    const { cipher, dataKey, nonceBase, createSha256 } = this.#keys
    const nonce = chunkNonce(nonceBase, index, createSha256)
    try {
      this.#out.push(cipher.open(dataKey, nonce, chunkAad(this.#aadPrefix, index), sealed))
    } catch {
      throw new TgspOpenError(`Payload chunk ${index + 1} does not decrypt: its authentication tag does not verify.`)
    }
  }
}
