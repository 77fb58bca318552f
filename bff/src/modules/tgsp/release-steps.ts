// The steps a release and a rollback share: read a release, lock a releasable package, go live.
import { eq, sql } from 'drizzle-orm'
import type { Release, TgspEvent } from '@tg/contracts'
import type { Executor } from '../../db/client'
import type { EventBus } from '../../lib/events'
import { tgspPackages, tgspPublishers, tgspReleases } from '../../db/schema'
import { conflict, notFound } from '../../lib/errors'
import { listReleases } from './repo'

export const TGSP_CHANNEL = 'tg_tgsp'

export async function releaseById(ex: Executor, id: string): Promise<Release> {
  const [release] = (await listReleases(ex, { releaseId: id, activeOnly: false, limit: 1 })).items
  if (!release) throw notFound('Release')
  return release
}

/**
 * Supersedes the live release of a fleet and channel and makes a new one live, in the caller's
 * transaction, with its `release` live event.
 */
export async function goLive(
  tx: Executor,
  values: typeof tgspReleases.$inferInsert & { kind: 'promotion' | 'rollback' },
  events: EventBus,
): Promise<{ id: string; previous: string | null }> {
  const [previous] = await tx
    .update(tgspReleases)
    .set({ supersededAt: sql`now()` })
    .where(
      sql`${tgspReleases.fleetId} = ${values.fleetId} and ${tgspReleases.channel} = ${values.channel} and ${tgspReleases.supersededAt} is null`,
    )
    .returning({ id: tgspReleases.id, packageId: tgspReleases.packageId })
  if (previous && previous.packageId === values.packageId)
    throw conflict('This package is already live on that fleet and channel.')
  const [row] = await tx.insert(tgspReleases).values(values).returning({ id: tgspReleases.id })
  if (!row) throw new Error('insert returned no row')
  const event: TgspEvent = {
    type: 'release',
    releaseId: row.id,
    fleetId: values.fleetId,
    channel: values.channel,
    packageId: values.packageId,
    kind: values.kind,
  }
  await events.append(tx, TGSP_CHANNEL, event)
  return { id: row.id, previous: previous?.id ?? null }
}

/** Locks the package and checks that it may be released. */
export async function releasablePackage(tx: Executor, packageId: string) {
  const [row] = await tx
    .select({ pkg: tgspPackages, publisherRevokedAt: tgspPublishers.revokedAt, publisherName: tgspPublishers.name })
    .from(tgspPackages)
    .innerJoin(tgspPublishers, eq(tgspPublishers.id, tgspPackages.publisherId))
    .where(eq(tgspPackages.id, packageId))
    .for('update', { of: tgspPackages })
  if (!row) throw notFound('Package')
  const what = `${row.pkg.modelName} ${row.pkg.modelVersion}`
  if (row.publisherRevokedAt || row.pkg.status === 'signer_revoked')
    throw conflict(
      `The publisher "${row.publisherName}" of ${what} is revoked: its packages are untrusted and cannot be released.`,
      { field: 'packageId', reason: 'publisher_key_revoked' },
    )
  if (row.pkg.status !== 'verified')
    throw conflict(
      `${what} failed its last verification: it is untrusted and cannot be released. Re-verify it once its stored file is sound.`,
      { field: 'packageId', reason: 'verification_failed' },
    )
  return row.pkg
}
