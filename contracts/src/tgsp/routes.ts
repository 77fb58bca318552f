import { z } from 'zod'
import { errorResponses } from '../common/errors'
import { ANY_ROLE } from '../common/roles'
import { defineRoute, jsonContent } from '../common/route'
import {
  ChannelListSchema,
  CreateFleetBodySchema,
  CreatePublisherBodySchema,
  CreateReleaseBodySchema,
  FleetIdParamSchema,
  FleetListSchema,
  FleetSchema,
  ListFleetsQuerySchema,
  ListPackagesQuerySchema,
  ListReleasesQuerySchema,
  PackageDetailSchema,
  PackageIdParamSchema,
  PackagePageSchema,
  PublisherIdParamSchema,
  PublisherListSchema,
  PublisherSchema,
  ReleaseIdParamSchema,
  ReleaseListSchema,
  ReleaseSchema,
  RollbackBodySchema,
  UpdateFleetBodySchema,
} from './schemas'
import { PackageDiffQuerySchema, PackageDiffSchema } from './diff'
import { SetPackageLabelsBodySchema } from './labels'

const TAGS = ['tgsp']
const ADMIN = ['admin'] as const
const PUBLISHERS = ['publisher', 'admin'] as const
const FLEET_MANAGERS = ['operator', 'admin'] as const
const RELEASE_MANAGERS = ['release-manager', 'admin'] as const
const DOWNLOADERS = ['operator', 'publisher', 'release-manager', 'admin'] as const

export const TGSP_MEDIA_TYPE = 'application/octet-stream'
const BinarySchema = z.string().meta({ format: 'binary' })
const binaryContent = { [TGSP_MEDIA_TYPE]: { schema: BinarySchema } } as const

export const listPublishersRoute = defineRoute({
  method: 'get',
  path: '/api/v1/tgsp/publishers',
  operationId: 'tgsp.listPublishers',
  summary: 'Trusted publishers (active and revoked) with their key fingerprints',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  responses: {
    200: { description: 'Every publisher, active first', content: jsonContent(PublisherListSchema) },
    ...errorResponses(401, 403, 500, 503),
  },
})

export const createPublisherRoute = defineRoute({
  method: 'post',
  path: '/api/v1/tgsp/publishers',
  operationId: 'tgsp.createPublisher',
  summary: 'Register a publisher\u2019s public signing key (Ed25519 + ML-DSA-65)',
  description: 'Refuses (409) a name or a key already registered.',
  tags: TAGS,
  'x-roles': ADMIN,
  request: { body: { required: true, content: jsonContent(CreatePublisherBodySchema) } },
  responses: {
    201: { description: 'Registered', content: jsonContent(PublisherSchema) },
    ...errorResponses(400, 401, 403, 409, 413, 415, 422, 500, 503),
  },
})

export const revokePublisherRoute = defineRoute({
  method: 'post',
  path: '/api/v1/tgsp/publishers/{publisherId}/revoke',
  operationId: 'tgsp.revokePublisher',
  summary: 'Revoke a publisher: its packages are marked signer_revoked and can no longer be released',
  tags: TAGS,
  'x-roles': ADMIN,
  request: { params: PublisherIdParamSchema },
  responses: {
    200: { description: 'Revoked', content: jsonContent(PublisherSchema) },
    ...errorResponses(401, 403, 404, 409, 422, 500, 503),
  },
})

export const listPackagesRoute = defineRoute({
  method: 'get',
  path: '/api/v1/tgsp/packages',
  operationId: 'tgsp.listPackages',
  summary: 'Packages with search, filters and sort, paged by cursor',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { query: ListPackagesQuerySchema },
  responses: {
    200: { description: 'A page of packages', content: jsonContent(PackagePageSchema) },
    ...errorResponses(401, 403, 422, 500, 503),
  },
})

export const uploadPackageRoute = defineRoute({
  method: 'post',
  path: '/api/v1/tgsp/packages',
  operationId: 'tgsp.uploadPackage',
  summary: 'Upload a TGSP package (streamed) and verify it',
  description:
    'The body is the package file. Every check of TGSP.md runs; a package is stored only when all pass. ' +
    'A failed check answers 422 PACKAGE_REJECTED with details.checks; the same bytes uploaded before ' +
    'answer 409 with details.existingId. A body that stops arriving for the idle timeout ' +
    '(TG_UPLOAD_IDLE_TIMEOUT_S) answers 408; a package store that cannot write (disk full, quota, ' +
    'read-only, I/O error), or a declared Content-Length above its free space, answers 507 at once ' +
    'with the reason in the message and details.cause (e.g. ENOSPC). An answer given before the ' +
    'body ended carries Connection: close. Nothing of a rejected or aborted upload is kept.',
  tags: TAGS,
  'x-roles': PUBLISHERS,
  request: { body: { required: true, content: binaryContent } },
  responses: {
    201: { description: 'Verified and stored', content: jsonContent(PackageDetailSchema) },
    ...errorResponses(400, 401, 403, 408, 409, 413, 415, 422, 500, 503, 507),
  },
})

export const getPackageRoute = defineRoute({
  method: 'get',
  path: '/api/v1/tgsp/packages/{packageId}',
  operationId: 'tgsp.getPackage',
  summary: 'One package: manifest, hashes, checks and signer (its releases: the releases list by packageId)',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: PackageIdParamSchema },
  responses: {
    200: { description: 'The package', content: jsonContent(PackageDetailSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const downloadPackageRoute = defineRoute({
  method: 'get',
  path: '/api/v1/tgsp/packages/{packageId}/download',
  operationId: 'tgsp.downloadPackage',
  summary: 'Download the package file (streamed; single byte ranges supported)',
  tags: TAGS,
  'x-roles': DOWNLOADERS,
  request: { params: PackageIdParamSchema },
  responses: {
    200: { description: 'The whole file', content: binaryContent },
    206: { description: 'The requested byte range', content: binaryContent },
    ...errorResponses(401, 403, 404, 416, 422, 500, 503),
  },
})

export const reverifyPackageRoute = defineRoute({
  method: 'post',
  path: '/api/v1/tgsp/packages/{packageId}/verify',
  operationId: 'tgsp.reverifyPackage',
  summary: 'Re-verify a package: every check again on the stored bytes and the publisher keys of now',
  description:
    'Runs every check of the upload again on the stored file, with the signer checked against the publisher ' +
    'keys as they are now, and stores the verdict: status verified when all pass, signer_revoked when only ' +
    'the signer fails because its publisher is revoked, verification_failed otherwise. Answers the package with ' +
    'its new checks (200 whatever the verdict), audited as tgsp.package_reverified (outcome failure when not ' +
    'verified). A package store that cannot be read answers 503.',
  tags: TAGS,
  'x-roles': PUBLISHERS,
  request: { params: PackageIdParamSchema },
  responses: {
    200: { description: 'The package with its new checks and status', content: jsonContent(PackageDetailSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const setPackageLabelsRoute = defineRoute({
  method: 'put',
  path: '/api/v1/tgsp/packages/{packageId}/labels',
  operationId: 'tgsp.setPackageLabels',
  summary: 'Replace a package\u2019s labels (plain tags or key=value)',
  description:
    'The body lists every label the package keeps: labels not in it are removed. Lowercase, a name of at most 63 ' +
    'characters and a value of at most 63, at most 20 labels (422 VALIDATION_FAILED naming each bad label). ' +
    'Duplicates are dropped and the labels sorted. A change is audited as tgsp.package_labels_changed with what ' +
    'was added and removed; the same set again changes nothing and writes no entry.',
  tags: TAGS,
  'x-roles': PUBLISHERS,
  request: {
    params: PackageIdParamSchema,
    body: { required: true, content: jsonContent(SetPackageLabelsBodySchema) },
  },
  responses: {
    200: { description: 'The package with its labels', content: jsonContent(PackageDetailSchema) },
    ...errorResponses(400, 401, 403, 404, 413, 415, 422, 500, 503),
  },
})

export const diffPackagesRoute = defineRoute({
  method: 'get',
  path: '/api/v1/tgsp/packages/{packageId}/diff',
  operationId: 'tgsp.diffPackages',
  summary: 'What changed in the manifest from another package (`against`) to this one',
  description:
    'Manifest fields added, removed or changed (dotted paths, both values), files of content_index added, ' +
    'removed or changed by SHA-256, and whether the signer (registered publisher and author_id) differs. ' +
    '404 when either package is missing.',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { params: PackageIdParamSchema, query: PackageDiffQuerySchema },
  responses: {
    200: { description: 'The difference', content: jsonContent(PackageDiffSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const listFleetsRoute = defineRoute({
  method: 'get',
  path: '/api/v1/tgsp/fleets',
  operationId: 'tgsp.listFleets',
  summary: 'Fleets by name',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { query: ListFleetsQuerySchema },
  responses: {
    200: { description: 'Fleets', content: jsonContent(FleetListSchema) },
    ...errorResponses(401, 403, 422, 500, 503),
  },
})

export const createFleetRoute = defineRoute({
  method: 'post',
  path: '/api/v1/tgsp/fleets',
  operationId: 'tgsp.createFleet',
  summary: 'Create a fleet',
  tags: TAGS,
  'x-roles': FLEET_MANAGERS,
  request: { body: { required: true, content: jsonContent(CreateFleetBodySchema) } },
  responses: {
    201: { description: 'Created', content: jsonContent(FleetSchema) },
    ...errorResponses(400, 401, 403, 409, 413, 415, 422, 500, 503),
  },
})

export const updateFleetRoute = defineRoute({
  method: 'patch',
  path: '/api/v1/tgsp/fleets/{fleetId}',
  operationId: 'tgsp.updateFleet',
  summary: 'Rename, describe, archive or restore a fleet',
  tags: TAGS,
  'x-roles': FLEET_MANAGERS,
  request: { params: FleetIdParamSchema, body: { required: true, content: jsonContent(UpdateFleetBodySchema) } },
  responses: {
    200: { description: 'Updated', content: jsonContent(FleetSchema) },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 500, 503),
  },
})

export const listChannelsRoute = defineRoute({
  method: 'get',
  path: '/api/v1/tgsp/channels',
  operationId: 'tgsp.listChannels',
  summary: 'Release channels, in promotion order (TG_RELEASE_CHANNELS)',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  responses: {
    200: { description: 'Channels', content: jsonContent(ChannelListSchema) },
    ...errorResponses(401, 403, 500, 503),
  },
})

export const listReleasesRoute = defineRoute({
  method: 'get',
  path: '/api/v1/tgsp/releases',
  operationId: 'tgsp.listReleases',
  summary: 'Release history, newest first: what was live on each fleet and channel, and when',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { query: ListReleasesQuerySchema },
  responses: {
    200: { description: 'Releases', content: jsonContent(ReleaseListSchema) },
    ...errorResponses(401, 403, 422, 500, 503),
  },
})

export const createReleaseRoute = defineRoute({
  method: 'post',
  path: '/api/v1/tgsp/releases',
  operationId: 'tgsp.createRelease',
  summary: 'Promote a verified package to a fleet and channel',
  description:
    'The package must be verified and its publisher not revoked, the fleet active and the channel configured. ' +
    'With a fleet soak time, a package reaches a channel only after it was live that long on the channel before ' +
    'it (409 RELEASE_POLICY with details.allowedAt otherwise), unless an admin sends override.reason (audited). ' +
    'The release becomes the one active release of that fleet and channel; the previous one is superseded.',
  tags: TAGS,
  'x-roles': RELEASE_MANAGERS,
  request: { body: { required: true, content: jsonContent(CreateReleaseBodySchema) } },
  responses: {
    201: { description: 'Live', content: jsonContent(ReleaseSchema) },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 500, 503),
  },
})

export const rollbackReleaseRoute = defineRoute({
  method: 'post',
  path: '/api/v1/tgsp/releases/{releaseId}/rollback',
  operationId: 'tgsp.rollbackRelease',
  summary: 'Make an earlier release\u2019s package live again on its fleet and channel',
  tags: TAGS,
  'x-roles': RELEASE_MANAGERS,
  request: { params: ReleaseIdParamSchema, body: { required: true, content: jsonContent(RollbackBodySchema) } },
  responses: {
    201: { description: 'The rollback release, now live', content: jsonContent(ReleaseSchema) },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 500, 503),
  },
})

export const tgspRoutes = [
  reverifyPackageRoute,
  listPublishersRoute,
  createPublisherRoute,
  revokePublisherRoute,
  listPackagesRoute,
  uploadPackageRoute,
  getPackageRoute,
  downloadPackageRoute,
  setPackageLabelsRoute,
  diffPackagesRoute,
  listFleetsRoute,
  createFleetRoute,
  updateFleetRoute,
  listChannelsRoute,
  listReleasesRoute,
  createReleaseRoute,
  rollbackReleaseRoute,
] as const
