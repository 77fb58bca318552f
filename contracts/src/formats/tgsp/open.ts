// Opening a package on the recipient's side: unwrap the data key, decrypt chunk by chunk and read
// the tar, refusing unsafe entries. Pure and push-based; tgctl writes the files to disk.
import { concatBytes, fromHex, sha256Hex, type Sha256Factory } from './bytes'
import { checkHashes, checkSignatures } from './checks'
import type { EncryptionSecretKey } from './keys'
import { TgspStreamParser, type TgspParsed, type TgspPrelude } from './parser'
import { PayloadDecryptor, TgspOpenError, type ChunkCipher } from './payload'
import { findDataKey } from './recipients'
import type { TgspManifest } from './schemas'
import { TarReader, type TarReaderHandlers } from './tar'

export interface PayloadOpener {
  /** Feeds encrypted payload bytes; tar events reach the handlers as chunks decrypt. */
  push(bytes: Uint8Array): void
  /** Call after the last payload byte: checks the framing and the end of the archive. */
  finish(): void
  readonly recipientIndex: number
}

/** Finds this key's recipient entry and returns a decrypting tar reader for the payload. */
export function createPayloadOpener(
  prelude: TgspPrelude,
  secretKey: EncryptionSecretKey,
  handlers: TarReaderHandlers,
  options: { cipher?: ChunkCipher; createSha256?: Sha256Factory } = {},
): PayloadOpener {
  const found = findDataKey(prelude.recipients, secretKey)
  if (!found) {
    const count = prelude.recipients.length
    throw new TgspOpenError(`This key opens none of the package's ${count} recipient entr${count === 1 ? 'y' : 'ies'}.`)
  }
  const decryptor = new PayloadDecryptor({
    dataKey: found.dataKey,
    nonceBase: fromHex(prelude.header.crypto.nonce_base),
    manifestHash: prelude.digests.manifest,
    recipientsHash: prelude.digests.recipients,
    ...options,
  })
  const tar = new TarReader(handlers)
  return {
    recipientIndex: found.index,
    push(bytes) {
      for (const plaintext of decryptor.push(bytes)) tar.push(plaintext)
    },
    finish() {
      decryptor.finish()
      tar.finish()
    },
  }
}

/** The reason the extracted files disagree with manifest.content_index, or null when they agree. */
export function checkContentIndex(manifest: TgspManifest, fileHashes: ReadonlyMap<string, string>): string | null {
  for (const entry of manifest.content_index) {
    const actual = fileHashes.get(entry.path)
    if (actual === undefined) return `The manifest lists ${JSON.stringify(entry.path)}, which the payload lacks.`
    if (actual !== entry.sha256) return `The file ${JSON.stringify(entry.path)} does not match its manifest hash.`
  }
  return null
}

/** The reason a package that decrypted may not be trusted (hash or signature failure), or null. */
export function integrityProblem(parsed: TgspParsed): string | null {
  const hashes = checkHashes(parsed)
  if (!hashes.ok) return hashes.reason
  const signatures = checkSignatures(parsed)
  return signatures.ok ? null : signatures.reason
}

/**
 * Opens a package held in memory (small packages, tests): returns its files and directories.
 * Throws TgspFormatError, TgspOpenError or TarEntryError naming the problem.
 */
export function openTgspBytes(
  bytes: Uint8Array,
  secretKey: EncryptionSecretKey,
): { parsed: TgspParsed; files: Map<string, Uint8Array>; directories: string[] } {
  const files = new Map<string, Uint8Array>()
  const directories: string[] = []
  let parts: Uint8Array[] = []
  let opener: PayloadOpener | null = null
  const handlers: TarReaderHandlers = {
    onEntry: (entry) => {
      if (entry.type === 'directory') directories.push(entry.path)
      parts = []
    },
    onData: (data) => parts.push(data.slice()),
    onEntryEnd: (entry) => {
      if (entry.type === 'file') files.set(entry.path, concatBytes(...parts))
    },
  }
  const parser = new TgspStreamParser({
    maxPayloadBytes: Number.MAX_SAFE_INTEGER,
    onPayload: (piece, prelude) => {
      opener ??= createPayloadOpener(prelude, secretKey, handlers)
      opener.push(piece)
    },
  })
  parser.push(bytes)
  const parsed = parser.finish()
  if (parsed.payloadLength === 0) throw new TgspOpenError('The payload is empty: there is nothing to open.')
  ;(opener as PayloadOpener | null)?.finish()
  const problem = integrityProblem(parsed)
  if (problem) throw new TgspOpenError(`The package fails its integrity checks: ${problem}`)
  const index = checkContentIndex(parsed.manifest, new Map([...files].map(([path, data]) => [path, sha256Hex(data)])))
  if (index) throw new TgspOpenError(index)
  return { parsed, files, directories }
}
