import { diffManifests } from '@tg/contracts/formats/tgsp'
import type { PackageDetail, PackageDiff } from '@tg/contracts'
import type { Db } from '../../db/client'
import { AppError, notFound } from '../../lib/errors'
import { getPackageDetail } from './repo'

const sideOf = (pkg: PackageDetail) => ({
  id: pkg.id,
  modelName: pkg.modelName,
  modelVersion: pkg.modelVersion,
  uploadedAt: pkg.uploadedAt,
})

const signerOf = (pkg: PackageDetail) => ({
  publisherId: pkg.signer.id,
  name: pkg.signer.name,
  fingerprint: pkg.signer.fingerprint,
  authorId: typeof pkg.manifest['author_id'] === 'string' ? pkg.manifest['author_id'] : null,
})

/** The manifest difference from package `against` to package `id`; 404 when either is missing. */
export async function diffPackages(db: Db, id: string, against: string): Promise<PackageDiff> {
  const [to, from] = await Promise.all([getPackageDetail(db, id), getPackageDetail(db, against)])
  if (!to) throw notFound('Package')
  if (!from)
    throw new AppError('NOT_FOUND', 'The package to compare with (against) was not found.', { field: 'against' })
  const { fields, files, unchangedFiles } = diffManifests(from.manifest, to.manifest)
  const signer = { from: signerOf(from), to: signerOf(to) }
  const isSameSigner = signer.from.publisherId === signer.to.publisherId && signer.from.authorId === signer.to.authorId
  return {
    from: sideOf(from),
    to: sideOf(to),
    isIdentical: fields.length === 0 && files.length === 0 && isSameSigner,
    fields,
    files,
    unchangedFiles,
    signer: { isSame: isSameSigner, ...signer },
  }
}
