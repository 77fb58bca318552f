import { emit } from '../integrations/emit'
import { eq, sql } from 'drizzle-orm'
import type {
  ComponentHealth,
  CreateFleetBody,
  CreatePublisherBody,
  CreateReleaseBody,
  Fleet,
  ListPackagesQuery,
  ListReleasesQuery,
  PackageDetail,
  PackageDiff,
  PackagePage,
  Publisher,
  Release,
  ReleaseList,
  RollbackBody,
  SetPackageLabelsBody,
  TgspEvent,
  UpdateFleetBody,
} from '@tg/contracts'
import { publisherFingerprint } from '@tg/contracts/formats/tgsp'
import type { Logger } from 'pino'
import type { Db, Executor } from '../../db/client'
import { hasPgCode } from '../../db/client'
import { tgspFleets, tgspPackages, tgspPublishers, tgspReleases } from '../../db/schema'
import { AppError, conflict, notFound } from '../../lib/errors'
import { checkReleasePolicy, policyRefusal } from './release-policy'
import { refuseRelease } from './release-refusal'
import { TGSP_CHANNEL, goLive, releasablePackage, releaseById } from './release-steps'
import type { EventBus } from '../../lib/events'
import type { LiveFeed } from '../../lib/event-stream'
import type { AuditContext, AuditLog } from '../audit/record'
import type { BlobStore } from './blobs'
import type { SweptFile } from './blobs'
import { diffPackages } from './diff'
import { openDownload } from './download'
import { setPackageLabels } from './labels'
import { reverifyPackage } from './reverify'
import type { Download } from './download'
import { tgspHealth } from './health'
import { findPackageRef } from './package-ref'
import type { PackageRef } from './package-ref'
import {
  findPublisher,
  getPackageDetail,
  listFleets,
  listPackages,
  listPublishers,
  listReleases,
  toFleet,
  toPublisher,
} from './repo'
import type { TgspConfig } from './config'
import { scheduleIncomingSweep, sweepIncoming } from './sweeper'
import { uploadPackage } from './upload'
import type { UploadBody } from './upload-body'

export type { TgspConfig } from './config'

export interface TgspService {
  channels(): string[]
  listPublishers(): Promise<Publisher[]>
  createPublisher(ctx: AuditContext, body: CreatePublisherBody): Promise<Publisher>
  revokePublisher(ctx: AuditContext, publisherId: string): Promise<Publisher>
  listPackages(query: ListPackagesQuery): Promise<PackagePage>
  getPackage(id: string): Promise<PackageDetail>
  /** A package's identity by its console id or content id (for the run that produced it). */
  findPackageRef(ex: Executor, ref: { id: string } | { contentId: string }): Promise<PackageRef | null>
  /** Streams a package to a temporary file, verifies it and stores it, or leaves nothing behind. */
  upload(ctx: AuditContext, body: UploadBody, declaredBytes: number | null): Promise<PackageDetail>
  download(ctx: AuditContext, id: string, range: string | undefined): Promise<Download>
  /** Runs every check again on the stored bytes and today's publisher keys; stores and audits the verdict. */
  reverify(ctx: AuditContext, id: string): Promise<PackageDetail>
  /** Replaces a package's labels (audited when they change). */
  setLabels(ctx: AuditContext, id: string, body: SetPackageLabelsBody): Promise<PackageDetail>
  /** The manifest difference from package `against` to package `id`. */
  diff(id: string, against: string): Promise<PackageDiff>
  listFleets(includeArchived: boolean): Promise<Fleet[]>
  createFleet(ctx: AuditContext, body: CreateFleetBody): Promise<Fleet>
  updateFleet(ctx: AuditContext, fleetId: string, body: UpdateFleetBody): Promise<Fleet>
  listReleases(query: ListReleasesQuery): Promise<ReleaseList>
  /** The live `release` events of a stream (optionally of one fleet), from the durable log. */
  feed(fleetId: string | undefined): LiveFeed<TgspEvent>
  createRelease(ctx: AuditContext, body: CreateReleaseBody, access: { canOverride: boolean }): Promise<Release>
  rollback(ctx: AuditContext, releaseId: string, body: RollbackBody): Promise<Release>
  /**
   * Removes temporary upload files that an earlier process left behind: those idle longer than
   * `idleMs` (default: the scheduled sweep's threshold, safe while other replicas upload).
   */
  sweep(idleMs?: number): Promise<SweptFile[]>
  /** Sweeps on a schedule from now on; returns the function that stops it. */
  startSweeper(): () => void
  health(): Promise<ComponentHealth>
}

type Deps = { db: Db; audit: AuditLog; blobs: BlobStore; config: TgspConfig; log: Logger; events: EventBus }

async function activeFleet(tx: Executor, fleetId: string) {
  const [fleet] = await tx.select().from(tgspFleets).where(eq(tgspFleets.id, fleetId)).for('update')
  if (!fleet) throw notFound('Fleet')
  if (fleet.archivedAt)
    throw conflict(`The fleet "${fleet.name}" is archived. Restore it before releasing to it.`, { field: 'fleetId' })
  return fleet
}

export function createTgspService({ db, audit, blobs, config, log, events }: Deps): TgspService {
  const checkChannel = (channel: string) => {
    if (!config.channels.includes(channel))
      throw new AppError('VALIDATION_FAILED', `Unknown channel "${channel}".`, {
        issues: [{ path: 'channel', message: `Use one of: ${config.channels.join(', ')}.` }],
      })
  }

  return {
    channels: () => config.channels,
    listPublishers: () => listPublishers(db),

    async createPublisher(ctx, body) {
      const fingerprint = publisherFingerprint(body.classic, body.pqc)
      try {
        return await db.transaction(async (tx) => {
          const [row] = await tx
            .insert(tgspPublishers)
            .values({ name: body.name, classic: body.classic, pqc: body.pqc, fingerprint })
            .returning()
          if (!row) throw new Error('insert returned no row')
          await audit.record(tx, ctx, {
            action: 'tgsp.publisher_registered',
            resourceType: 'tgsp_publisher',
            resourceId: row.id,
            outcome: 'success',
            details: { name: row.name, fingerprint },
          })
          return toPublisher(row, 0, [])
        })
      } catch (err) {
        if (hasPgCode(err, '23505')) {
          const byKey = (await db.select().from(tgspPublishers).where(eq(tgspPublishers.fingerprint, fingerprint)))[0]
          throw byKey
            ? conflict(`This key is already registered as "${byKey.name}".`, { field: 'classic' })
            : conflict(`The name "${body.name}" is taken.`, { field: 'name' })
        }
        throw err
      }
    },

    async revokePublisher(ctx, publisherId) {
      return db.transaction(async (tx) => {
        const [before] = await tx.select().from(tgspPublishers).where(eq(tgspPublishers.id, publisherId)).for('update')
        if (!before) throw notFound('Publisher')
        if (before.revokedAt) throw conflict(`The publisher "${before.name}" is already revoked.`)
        await tx
          .update(tgspPublishers)
          .set({ revokedAt: sql`now()` })
          .where(eq(tgspPublishers.id, publisherId))
        const marked = await tx
          .update(tgspPackages)
          .set({ status: 'signer_revoked' })
          .where(eq(tgspPackages.publisherId, publisherId))
          .returning({ id: tgspPackages.id })
        await audit.record(tx, ctx, {
          action: 'tgsp.publisher_revoked',
          resourceType: 'tgsp_publisher',
          resourceId: publisherId,
          outcome: 'success',
          details: { name: before.name, fingerprint: before.fingerprint, packagesMarked: marked.length },
        })
        return (await findPublisher(tx, publisherId))!
      })
    },

    listPackages: (query) => listPackages(db, query),
    findPackageRef,

    async getPackage(id) {
      const detail = await getPackageDetail(db, id)
      if (!detail) throw notFound('Package')
      return detail
    },

    upload: (ctx, body, declaredBytes) =>
      uploadPackage(
        { db, audit, blobs, log, maxBytes: config.maxUploadBytes, idleMs: config.uploadIdleTimeoutMs },
        ctx,
        body,
        declaredBytes,
      ),

    download: (ctx, id, range) => openDownload({ db, audit, blobs, log }, ctx, id, range),
    reverify: (ctx, id) => reverifyPackage({ db, audit, blobs, maxBytes: config.maxUploadBytes }, ctx, id),
    setLabels: (ctx, id, body) => setPackageLabels({ db, audit }, ctx, id, body),
    diff: (id, against) => diffPackages(db, id, against),

    listFleets: (includeArchived) => listFleets(db, includeArchived),

    async createFleet(ctx, body) {
      try {
        return await db.transaction(async (tx) => {
          const [row] = await tx
            .insert(tgspFleets)
            .values({ name: body.name, description: body.description, soakMinutes: body.soakMinutes })
            .returning()
          if (!row) throw new Error('insert returned no row')
          await audit.record(tx, ctx, {
            action: 'tgsp.fleet_created',
            resourceType: 'tgsp_fleet',
            resourceId: row.id,
            outcome: 'success',
            details: { name: row.name, soakMinutes: row.soakMinutes },
          })
          return toFleet(row)
        })
      } catch (err) {
        if (hasPgCode(err, '23505')) throw conflict(`A fleet named "${body.name}" exists.`, { field: 'name' })
        throw err
      }
    },

    async updateFleet(ctx, fleetId, body) {
      try {
        return await db.transaction(async (tx) => {
          const [before] = await tx.select().from(tgspFleets).where(eq(tgspFleets.id, fleetId)).for('update')
          if (!before) throw notFound('Fleet')
          const archivedAt =
            body.status === undefined
              ? before.archivedAt
              : body.status === 'archived'
                ? (before.archivedAt ?? new Date())
                : null
          const [after] = await tx
            .update(tgspFleets)
            .set({
              name: body.name ?? before.name,
              description: body.description ?? before.description,
              soakMinutes: body.soakMinutes ?? before.soakMinutes,
              archivedAt,
            })
            .where(eq(tgspFleets.id, fleetId))
            .returning()
          if (!after) throw notFound('Fleet')
          await audit.record(tx, ctx, {
            action: 'tgsp.fleet_updated',
            resourceType: 'tgsp_fleet',
            resourceId: fleetId,
            outcome: 'success',
            details: {
              name: after.name,
              changes: {
                ...(body.name !== undefined ? { name: [before.name, after.name] } : {}),
                ...(body.description !== undefined ? { description: [before.description, after.description] } : {}),
                ...(body.status !== undefined
                  ? { status: [before.archivedAt ? 'archived' : 'active', body.status] }
                  : {}),
                ...(body.soakMinutes !== undefined ? { soakMinutes: [before.soakMinutes, after.soakMinutes] } : {}),
              },
            },
          })
          return toFleet(after)
        })
      } catch (err) {
        if (hasPgCode(err, '23505')) throw conflict(`A fleet named "${body.name}" exists.`, { field: 'name' })
        throw err
      }
    },

    listReleases: (query) => listReleases(db, query),
    feed: (fleetId) => ({
      bus: events,
      channel: TGSP_CHANNEL,
      select: (payload) => {
        const event = payload as TgspEvent
        return !fleetId || event.fleetId === fleetId ? event : null
      },
    }),

    async createRelease(ctx, body, access) {
      checkChannel(body.channel)
      if (body.override && !access.canOverride)
        throw new AppError('FORBIDDEN', 'Only an admin may override the release policy.', { requiredRoles: ['admin'] })
      const id = await refuseRelease({ db, audit }, ctx, body, async (tx) => {
        const fleet = await activeFleet(tx, body.fleetId)
        const pkg = await releasablePackage(tx, body.packageId)
        const policy = await checkReleasePolicy(
          tx,
          { fleet, packageId: pkg.id, channel: body.channel },
          config.channels,
        )
        if (!policy.isAllowed && !body.override) throw policyRefusal(policy, fleet.name)
        const { id, previous } = await goLive(
          tx,
          {
            fleetId: fleet.id,
            channel: body.channel,
            packageId: pkg.id,
            kind: 'promotion',
            notes: body.notes,
            createdBy: ctx.actor.name,
          },
          events,
        )
        await audit.record(tx, ctx, {
          action: 'tgsp.release_promoted',
          resourceType: 'tgsp_release',
          resourceId: id,
          outcome: 'success',
          details: {
            fleet: fleet.name,
            channel: body.channel,
            package: { id: pkg.id, packageId: pkg.packageId, modelVersion: pkg.modelVersion },
            supersedes: previous,
            ...(policy.previousChannel
              ? {
                  policy: {
                    soakMinutes: fleet.soakMinutes,
                    previousChannel: policy.previousChannel,
                    allowedAt: policy.allowedAt,
                    conditions: policy.conditions,
                    ...(policy.isAllowed || !body.override ? {} : { override: { reason: body.override.reason } }),
                  },
                }
              : {}),
          },
        })
        await emit(tx, 'release.promoted', {
          id,
          fleet: { id: fleet.id, name: fleet.name },
          channel: body.channel,
          package: { id: pkg.id, packageId: pkg.packageId, modelVersion: pkg.modelVersion },
          supersedes: previous,
        })
        return id
      })
      return releaseById(db, id)
    },

    async rollback(ctx, releaseId, body) {
      const id = await db.transaction(async (tx) => {
        const [target] = await tx.select().from(tgspReleases).where(eq(tgspReleases.id, releaseId))
        if (!target) throw notFound('Release')
        const fleet = await activeFleet(tx, target.fleetId)
        if (target.supersededAt === null) throw conflict('This release is the live one already.')
        const pkg = await releasablePackage(tx, target.packageId)
        const { id, previous } = await goLive(
          tx,
          {
            fleetId: fleet.id,
            channel: target.channel,
            packageId: pkg.id,
            kind: 'rollback',
            rollbackOf: target.id,
            notes: body.notes,
            createdBy: ctx.actor.name,
          },
          events,
        )
        await audit.record(tx, ctx, {
          action: 'tgsp.release_rolled_back',
          resourceType: 'tgsp_release',
          resourceId: id,
          outcome: 'success',
          details: {
            fleet: fleet.name,
            channel: target.channel,
            restores: target.id,
            package: { id: pkg.id, packageId: pkg.packageId, modelVersion: pkg.modelVersion },
            supersedes: previous,
          },
        })
        await emit(tx, 'release.rolled_back', {
          id,
          fleet: { id: fleet.id, name: fleet.name },
          channel: target.channel,
          restores: target.id,
          package: { id: pkg.id, packageId: pkg.packageId, modelVersion: pkg.modelVersion },
          supersedes: previous,
        })
        return id
      })
      return releaseById(db, id)
    },

    sweep: (idleMs = config.sweepAfterMs) => sweepIncoming({ db, blobs, log }, idleMs),
    startSweeper: () =>
      scheduleIncomingSweep({ db, blobs, log }, { intervalMs: config.sweepIntervalMs, afterMs: config.sweepAfterMs }),
    health: () => tgspHealth({ db, blobs }, Math.max(config.maxUploadBytes, config.minFreeBytes)),
  }
}
