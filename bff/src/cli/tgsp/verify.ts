// `tgctl tgsp verify`: the console's upload checks, offline, streaming the file once.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { verifyTgspStream, type TrustedSigner } from '@tg/contracts/formats/tgsp'
import { nodeSha256 } from '../../lib/tgsp-crypto'

const READ_CHUNK = 1024 * 1024

/** Every check on `file` against `signers`; payloads of any size up to 2^53 - 1 bytes. */
export async function verifyPackageFile(file: string, signers: readonly TrustedSigner[]) {
  const { size } = await stat(file)
  return verifyTgspStream(createReadStream(file, { highWaterMark: READ_CHUNK }), {
    maxPayloadBytes: Number.MAX_SAFE_INTEGER,
    totalBytes: size,
    createSha256: nodeSha256,
    signers,
  })
}
