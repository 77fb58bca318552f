// `tgctl tgsp inspect`: shows the sections of a package without reading its payload and without
// verifying anything but the structure of what it shows.
import { open } from 'node:fs/promises'
import {
  TgspFormatError,
  TgspStreamParser,
  parseJsonSection,
  type TgspPrelude,
  type TgspSignatureBlock,
} from '@tg/contracts/formats/tgsp'

export interface PackageInspection {
  fileBytes: number
  prelude: TgspPrelude
  signature: TgspSignatureBlock
  signatureBytes: number
}

const READ_CHUNK = 64 * 1024

/** Reads everything but the payload: the three sections before it, its length, and the signature block. */
export async function inspectPackageFile(file: string): Promise<PackageInspection> {
  const handle = await open(file, 'r')
  try {
    const { size } = await handle.stat()
    const parser = new TgspStreamParser({ maxPayloadBytes: Number.MAX_SAFE_INTEGER, totalBytes: size })
    const buffer = new Uint8Array(READ_CHUNK)
    let position = 0
    while (parser.prelude === null) {
      const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK, position)
      if (bytesRead === 0) parser.finish()
      parser.push(buffer.subarray(0, bytesRead))
      position += bytesRead
    }
    const prelude = parser.prelude
    const { raw, payloadLength } = prelude
    const signatureAt = 6 + 12 + raw.header.length + raw.manifest.length + raw.recipients.length + 8 + payloadLength
    const lengthField = new Uint8Array(4)
    const { bytesRead } = await handle.read(lengthField, 0, 4, signatureAt)
    if (bytesRead < 4) throw new TgspFormatError('signature', 'The file ends before the signature block length field.')
    const length = new DataView(lengthField.buffer).getUint32(0)
    const end = signatureAt + 4 + length
    if (end > size) throw new TgspFormatError('signature', 'The signature block runs past the end of the file.')
    if (end < size)
      throw new TgspFormatError('trailing', `${size - end} unexpected byte(s) follow the signature block.`)
    const bytes = new Uint8Array(length)
    await handle.read(bytes, 0, length, signatureAt + 4)
    return { fileBytes: size, prelude, signature: parseJsonSection('signature', bytes), signatureBytes: length }
  } finally {
    await handle.close()
  }
}

const hexBytes = (hex: string) => (/^[0-9a-fA-F]*$/.test(hex) ? `${hex.length / 2} bytes` : 'not hex')

/** Human-readable lines for `inspect`. */
export function formatInspection(file: string, inspection: PackageInspection): string[] {
  const { prelude, signature } = inspection
  const { manifest, recipients } = prelude
  return [
    `${file}: TGSP v1, ${inspection.fileBytes} bytes`,
    `header (${prelude.raw.header.length} bytes):`,
    JSON.stringify(prelude.header, null, 2),
    `manifest (${prelude.raw.manifest.length} bytes):`,
    JSON.stringify(
      { ...manifest, author_pubkey: { ...manifest.author_pubkey, pqc: `${manifest.author_pubkey.pqc.slice(0, 32)}…` } },
      null,
      2,
    ),
    `recipients: ${recipients.length} (${recipients.map((r) => r.recipient_id).join(', ')})`,
    `payload: ${prelude.payloadLength} bytes`,
    `signature (${inspection.signatureBytes} bytes): key_id ${signature.key_id}, ` +
      `sig_classic ${hexBytes(signature.signature.sig_classic)}, sig_pqc ${hexBytes(signature.signature.sig_pqc)}`,
    'Hashes and signatures were not checked: run `tgctl tgsp verify`.',
  ]
}
