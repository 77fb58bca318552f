// Streaming TGSP v1 parser: accepts any chunking, hashes the payload as it streams by without
// keeping it, and throws TgspFormatError at the first structural fault, as early as it shows.
import {
  createNobleSha256,
  formatCount,
  formatSize,
  fromHex,
  toHex,
  utf8,
  type Sha256Factory,
  type Sha256Hasher,
} from './bytes'
import { TGSP_CONTENT_ID_DOMAIN, TGSP_MAGIC, TGSP_SECTION_CAP } from './constants'
import { SECTION_LABELS, TgspFormatError } from './errors'
import { parseJsonSection, type TgspJsonSection, type TgspJsonSections } from './json'
import { PayloadFramer } from './payload'
import type { TgspHeader, TgspManifest, TgspRecipient, TgspSignatureBlock } from './schemas'

export interface TgspParserOptions {
  /** The largest payload accepted (the upload limit). */
  maxPayloadBytes: number
  /** Cap of each JSON section; defaults to TGSP_SECTION_CAP (1 MiB). */
  maxSectionBytes?: number
  createSha256?: Sha256Factory
  /** When the input's size is known, a length that runs past it is reported at once. */
  totalBytes?: number
  /** Sees each piece of payload as it streams by (a view: copy it to keep it). */
  onPayload?: (bytes: Uint8Array, prelude: TgspPrelude) => void
  /**
   * False when the caller hashes the payload itself (the server does it in a worker thread, from
   * `onPayload`): the parser then skips the payload's SHA-256 and `finish` takes its hex digest.
   */
  hashPayload?: boolean
}

export interface TgspDigests {
  header: string
  manifest: string
  recipients: string
  payload: string
  signature: string
}

/** What is known when the payload starts: the three sections before it and its length. */
export interface TgspPrelude {
  raw: { header: Uint8Array; manifest: Uint8Array; recipients: Uint8Array }
  header: TgspHeader
  manifest: TgspManifest
  recipients: TgspRecipient[]
  digests: Pick<TgspDigests, 'header' | 'manifest' | 'recipients'>
  payloadLength: number
}

export interface TgspParsed {
  raw: { header: Uint8Array; manifest: Uint8Array; recipients: Uint8Array; signature: Uint8Array }
  header: TgspHeader
  manifest: TgspManifest
  recipients: TgspRecipient[]
  signature: TgspSignatureBlock
  payloadLength: number
  digests: TgspDigests
  /** SHA-256('tgsp-content-v1' || the five raw section digests in file order): the blob address. */
  contentId: string
}

type Step =
  | { kind: 'magic' }
  | { kind: 'length'; section: TgspJsonSection | 'payload'; size: 4 | 8 }
  | { kind: 'json'; section: TgspJsonSection }
  | { kind: 'payload' }
  | { kind: 'end' }

const STEPS: readonly Step[] = [
  { kind: 'magic' },
  { kind: 'length', section: 'header', size: 4 },
  { kind: 'json', section: 'header' },
  { kind: 'length', section: 'manifest', size: 4 },
  { kind: 'json', section: 'manifest' },
  { kind: 'length', section: 'recipients', size: 4 },
  { kind: 'json', section: 'recipients' },
  { kind: 'length', section: 'payload', size: 8 },
  { kind: 'payload' },
  { kind: 'length', section: 'signature', size: 4 },
  { kind: 'json', section: 'signature' },
  { kind: 'end' },
]

/** Bytes that must still follow a section's body: the later length fields. */
const MIN_AFTER: Record<TgspJsonSection | 'payload', number> = {
  header: 4 + 4 + 8 + 4,
  manifest: 4 + 8 + 4,
  recipients: 8 + 4,
  payload: 4,
  signature: 0,
}

function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ')
}

export class TgspStreamParser {
  readonly #maxPayload: number
  readonly #maxSection: number
  readonly #createSha256: Sha256Factory
  readonly #totalBytes: number | undefined
  readonly #onPayload: TgspParserOptions['onPayload']
  readonly #hashPayload: boolean
  #step = 0
  #read = 0
  readonly #field = new Uint8Array(8)
  #fieldFill = 0
  #body = new Uint8Array(0)
  #bodyFill = 0
  #payloadLength = 0
  #payloadRemaining = 0
  #payloadHasher: Sha256Hasher | null = null
  readonly #framer = new PayloadFramer()
  readonly #raw: Partial<Record<TgspJsonSection, Uint8Array>> = {}
  readonly #digests: Partial<TgspDigests> = {}
  readonly #sections: Partial<TgspJsonSections> = {}
  #prelude: TgspPrelude | null = null
  #error: TgspFormatError | null = null
  #result: TgspParsed | null = null

  constructor(options: TgspParserOptions) {
    this.#maxPayload = options.maxPayloadBytes
    this.#maxSection = options.maxSectionBytes ?? TGSP_SECTION_CAP
    this.#createSha256 = options.createSha256 ?? createNobleSha256
    this.#totalBytes = options.totalBytes
    this.#onPayload = options.onPayload
    this.#hashPayload = options.hashPayload ?? true
  }

  /** Bytes consumed so far. */
  get bytesRead(): number {
    return this.#read
  }

  /** Header, manifest, recipients and payload length once the payload length has been read (null before). */
  get prelude(): TgspPrelude | null {
    return this.#prelude
  }

  push(chunk: Uint8Array): void {
    if (this.#error) throw this.#error
    if (this.#result) throw new Error('TgspStreamParser.push called after finish')
    try {
      this.#consume(chunk)
    } catch (error) {
      if (error instanceof TgspFormatError) this.#error = error
      throw error
    }
  }

  /** `payloadDigest`: the payload's lowercase hex SHA-256, required when `hashPayload` is false. */
  finish(payloadDigest?: string): TgspParsed {
    if (this.#error) throw this.#error
    if (this.#result) return this.#result
    const step = STEPS[this.#step]!
    if (step.kind !== 'end') {
      this.#error = this.#truncated(step)
      throw this.#error
    }
    if (!this.#hashPayload) {
      if (payloadDigest === undefined || !/^[0-9a-f]{64}$/.test(payloadDigest))
        throw new Error('TgspStreamParser.finish needs the payload digest (hashPayload is false)')
      this.#digests.payload = payloadDigest
    }
    const { header, manifest, recipients, signature } = this.#sections
    const digests = this.#digests as TgspDigests
    const raw = this.#raw as TgspParsed['raw']
    const contentHash = this.#createSha256()
    contentHash.update(utf8(TGSP_CONTENT_ID_DOMAIN))
    for (const name of ['header', 'manifest', 'recipients', 'payload', 'signature'] as const) {
      contentHash.update(fromHex(digests[name]))
    }
    this.#result = {
      raw,
      header: header!,
      manifest: manifest!,
      recipients: recipients!,
      signature: signature!,
      payloadLength: this.#payloadLength,
      digests,
      contentId: toHex(contentHash.digest()),
    }
    return this.#result
  }

  #consume(chunk: Uint8Array): void {
    let offset = 0
    while (offset < chunk.length) {
      const step = STEPS[this.#step]!
      const available = chunk.length - offset
      switch (step.kind) {
        case 'magic': {
          const take = Math.min(TGSP_MAGIC.length - this.#fieldFill, available)
          this.#field.set(chunk.subarray(offset, offset + take), this.#fieldFill)
          this.#fieldFill += take
          this.#read += take
          offset += take
          this.#checkMagic()
          break
        }
        case 'length': {
          const take = Math.min(step.size - this.#fieldFill, available)
          this.#field.set(chunk.subarray(offset, offset + take), this.#fieldFill)
          this.#fieldFill += take
          this.#read += take
          offset += take
          if (this.#fieldFill === step.size) this.#lengthRead(step.section, step.size)
          break
        }
        case 'json': {
          const take = Math.min(this.#body.length - this.#bodyFill, available)
          this.#body.set(chunk.subarray(offset, offset + take), this.#bodyFill)
          this.#bodyFill += take
          this.#read += take
          offset += take
          if (this.#bodyFill === this.#body.length) this.#jsonRead(step.section)
          break
        }
        case 'payload': {
          const take = Math.min(this.#payloadRemaining, available)
          const piece = chunk.subarray(offset, offset + take)
          this.#payloadHasher?.update(piece)
          this.#framer.push(piece)
          this.#onPayload?.(piece, this.#prelude!)
          this.#payloadRemaining -= take
          this.#read += take
          offset += take
          if (this.#payloadRemaining === 0) this.#payloadRead()
          break
        }
        case 'end': {
          throw new TgspFormatError(
            'trailing',
            `${formatCount(available)} unexpected byte(s) follow the signature block; nothing may follow it.`,
          )
        }
      }
    }
  }

  #checkMagic(): void {
    const seen = this.#field.subarray(0, this.#fieldFill)
    for (let i = 0; i < seen.length; i++) {
      if (seen[i] === TGSP_MAGIC[i]) continue
      if (i < 4) {
        throw new TgspFormatError(
          'magic',
          `The file does not start with the TGSP magic 54 47 53 50 01 00 (byte ${i + 1} is ${hexBytes(seen.subarray(i, i + 1))}): it is not a TGSP package.`,
        )
      }
      const version = i === 4 ? `${seen[4]}.x` : `1.${seen[5]}`
      throw new TgspFormatError(
        'magic',
        `The file is TGSP format version ${version}; only version 1.0 (bytes 01 00) is supported.`,
      )
    }
    if (this.#fieldFill === TGSP_MAGIC.length) this.#advance()
  }

  #lengthRead(section: TgspJsonSection | 'payload', size: 4 | 8): void {
    const view = new DataView(this.#field.buffer, 0, size)
    const label = SECTION_LABELS[section]
    let length: number
    if (size === 8) {
      const high = view.getUint32(0)
      const low = view.getUint32(4)
      if (high >= 2 ** 21) {
        const exact = (BigInt(high) << 32n) | BigInt(low)
        throw new TgspFormatError(
          section,
          `The payload length (${formatCount(exact)} bytes) is above 2^53 - 1, the largest length this console accepts.`,
        )
      }
      length = high * 2 ** 32 + low
      if (length > this.#maxPayload) {
        throw new TgspFormatError(
          section,
          `The payload length (${formatCount(length)} bytes) is over the upload limit of ${formatSize(this.#maxPayload)}.`,
        )
      }
    } else {
      length = view.getUint32(0)
      if (length > this.#maxSection) {
        throw new TgspFormatError(
          section,
          `The ${label} length (${formatCount(length)} bytes) is over the ${formatSize(this.#maxSection)} cap.`,
        )
      }
    }
    if (this.#totalBytes !== undefined && this.#read + length + MIN_AFTER[section] > this.#totalBytes) {
      throw new TgspFormatError(
        section,
        `The ${label} length (${formatCount(length)} bytes) runs past the end of the file (${formatCount(this.#totalBytes)} bytes).`,
      )
    }
    this.#advance()
    if (section === 'payload') {
      this.#payloadLength = length
      this.#payloadRemaining = length
      this.#payloadHasher = this.#hashPayload ? this.#createSha256() : null
      this.#prelude = this.#makePrelude()
      if (length === 0) this.#payloadRead()
    } else {
      this.#body = new Uint8Array(length)
      this.#bodyFill = 0
      if (length === 0) this.#jsonRead(section)
    }
  }

  #jsonRead(section: TgspJsonSection): void {
    const bytes = this.#body
    const value = parseJsonSection(section, bytes)
    ;(this.#sections as Record<TgspJsonSection, unknown>)[section] = value
    this.#raw[section] = bytes
    const hash = this.#createSha256()
    hash.update(bytes)
    this.#digests[section] = toHex(hash.digest())
    this.#body = new Uint8Array(0)
    this.#advance()
  }

  #payloadRead(): void {
    this.#framer.finish()
    if (this.#payloadHasher) this.#digests.payload = toHex(this.#payloadHasher.digest())
    this.#advance()
  }

  #makePrelude(): TgspPrelude {
    const { header, manifest, recipients } = this.#sections
    const [raw, digests] = [this.#raw, this.#digests]
    return {
      raw: { header: raw.header!, manifest: raw.manifest!, recipients: raw.recipients! },
      header: header!,
      manifest: manifest!,
      recipients: recipients!,
      digests: { header: digests.header!, manifest: digests.manifest!, recipients: digests.recipients! },
      payloadLength: this.#payloadLength,
    }
  }

  #advance(): void {
    this.#step += 1
    this.#fieldFill = 0
  }

  #truncated(step: Step): TgspFormatError {
    const total =
      this.#totalBytes === undefined ? '' : ` (${formatCount(this.#read)} of ${formatCount(this.#totalBytes)} bytes)`
    switch (step.kind) {
      case 'magic':
        return new TgspFormatError(
          'magic',
          this.#read === 0
            ? 'The file is empty.'
            : `The file ends inside the 6-byte TGSP magic after ${this.#read} byte(s).`,
        )
      case 'length':
        return new TgspFormatError(
          step.section,
          `The file ends before the ${SECTION_LABELS[step.section]} length field is complete (truncated at byte ${formatCount(this.#read)}).`,
        )
      case 'json':
        return new TgspFormatError(
          step.section,
          `The file ends inside the ${SECTION_LABELS[step.section]}: ${formatCount(this.#bodyFill)} of ${formatCount(this.#body.length)} bytes were read${total}.`,
        )
      case 'payload':
        return new TgspFormatError(
          'payload',
          `The file ends inside the payload: ${formatCount(this.#payloadLength - this.#payloadRemaining)} of ${formatCount(this.#payloadLength)} bytes were read.`,
        )
      case 'end':
        throw new Error('unreachable: a complete file is not truncated')
    }
  }
}
