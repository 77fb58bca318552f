// Release health: fleet agents (fleet-scoped keys) report successes and failures of the package
// they run, idempotent by their key; admins set the fleet's health policy; anyone reads the
// health of the package live on each channel. Every change is audited in its transaction.
import { createHash } from 'node:crypto'
import { and, eq, isNull } from 'drizzle-orm'
import { canonicalJson } from '@tg/contracts'
import type {
  CreateAgentKeyBody,
  CreatedApiKey,
  Fleet,
  FleetHealth,
  FleetHealthPolicy,
  HealthTotals,
  LiveReleaseHealth,
  ReleaseHealthReceipt,
  ReportReleaseHealthBody,
  UpdateFleetHealthPolicyBody,
} from '@tg/contracts'
import type { Db, Executor } from '../../db/client'
import { hasPgCode } from '../../db/client'
import { tgspFleets, tgspHealthReports, tgspPackages, tgspReleases } from '../../db/schema'
import { AppError, conflict, notFound } from '../../lib/errors'
import { insertApiKey } from '../admin/service'
import type { AuditContext, AuditLog } from '../audit/record'
import { healthTotals } from './release-health-repo'
import { toFleet } from './repo'

type Deps = { db: Db; audit: AuditLog; hashSecret: (s: string) => string; channels: readonly string[] }
type HealthRow = typeof tgspHealthReports.$inferSelect

export interface ReleaseHealthService {
  report(
    ctx: AuditContext,
    fleetId: string,
    body: ReportReleaseHealthBody,
    idempotencyKey?: string,
  ): Promise<ReleaseHealthReceipt>
  fleetHealth(fleetId: string): Promise<FleetHealth>
  updatePolicy(ctx: AuditContext, fleetId: string, body: UpdateFleetHealthPolicyBody): Promise<Fleet>
  createAgentKey(ctx: AuditContext, fleetId: string, body: CreateAgentKeyBody): Promise<CreatedApiKey>
}

const digestOf = (body: ReportReleaseHealthBody) => createHash('sha256').update(canonicalJson(body)).digest('hex')

function toReceipt(row: HealthRow, replayed: boolean): ReleaseHealthReceipt {
  const { id, fleetId, channel, packageId, successes, failures, idempotencyKey } = row
  return {
    id,
    fleetId,
    channel,
    packageId,
    successes,
    failures,
    idempotencyKey,
    createdAt: row.createdAt.toISOString(),
    replayed,
  }
}

async function requireFleet(ex: Executor, fleetId: string, forUpdate = false) {
  const query = ex.select().from(tgspFleets).where(eq(tgspFleets.id, fleetId))
  const [fleet] = forUpdate ? await query.for('update') : await query
  if (!fleet) throw notFound('Fleet')
  return fleet
}

export function verdictOf(policy: FleetHealthPolicy | null, totals: HealthTotals): LiveReleaseHealth['verdict'] {
  if (!policy) return 'no_policy'
  if (totals.reports < policy.minReports || totals.successes + totals.failures < policy.minSamples)
    return 'insufficient'
  return totals.failureRate !== null && totals.failureRate <= policy.maxFailureRate ? 'healthy' : 'unhealthy'
}

async function findByKey(ex: Executor, fleetId: string, key: string) {
  const [row] = await ex
    .select()
    .from(tgspHealthReports)
    .where(and(eq(tgspHealthReports.fleetId, fleetId), eq(tgspHealthReports.idempotencyKey, key)))
  return row
}

function replay(row: HealthRow, digest: string): ReleaseHealthReceipt {
  if (row.digest !== digest)
    throw conflict('This Idempotency-Key was used for a different health report on this fleet.', {
      field: 'Idempotency-Key',
      reportId: row.id,
    })
  return toReceipt(row, true)
}

export function createReleaseHealthService({ db, audit, hashSecret, channels }: Deps): ReleaseHealthService {
  const invalid = (path: string, message: string, text: string) =>
    new AppError('VALIDATION_FAILED', text, { issues: [{ path, message }] })

  async function record(ctx: AuditContext, fleetId: string, body: ReportReleaseHealthBody, key: string | undefined) {
    const digest = digestOf(body)
    return db.transaction(async (tx) => {
      const fleet = await requireFleet(tx, fleetId)
      if (key) {
        const existing = await findByKey(tx, fleetId, key)
        if (existing) return replay(existing, digest)
      }
      if (!channels.includes(body.channel))
        throw invalid('channel', `Use one of: ${channels.join(', ')}.`, `There is no release channel ${body.channel}.`)
      const [pkg] = await tx.select().from(tgspPackages).where(eq(tgspPackages.id, body.packageId))
      if (!pkg) throw invalid('packageId', 'No package has this id.', 'The marketplace holds no such package.')
      const [released] = await tx
        .select({ id: tgspReleases.id })
        .from(tgspReleases)
        .where(
          and(
            eq(tgspReleases.fleetId, fleetId),
            eq(tgspReleases.channel, body.channel),
            eq(tgspReleases.packageId, body.packageId),
          ),
        )
        .limit(1)
      if (!released)
        throw conflict(
          `${pkg.modelName} ${pkg.modelVersion} was never released on ${body.channel} of "${fleet.name}".`,
          {
            field: 'packageId',
          },
        )
      const [row] = await tx
        .insert(tgspHealthReports)
        .values({ fleetId, ...body, digest, idempotencyKey: key ?? null, reportedBy: ctx.actor.name })
        .returning()
      if (!row) throw new Error('insert returned no row')
      await audit.record(tx, ctx, {
        action: 'tgsp.health_reported',
        resourceType: 'tgsp_fleet',
        resourceId: fleetId,
        outcome: 'success',
        details: {
          fleet: fleet.name,
          channel: body.channel,
          package: { id: pkg.id, packageId: pkg.packageId, modelVersion: pkg.modelVersion },
          successes: body.successes,
          failures: body.failures,
          reportId: row.id,
        },
      })
      return toReceipt(row, false)
    })
  }

  return {
    async report(ctx, fleetId, body, key) {
      try {
        return await record(ctx, fleetId, body, key)
      } catch (err) {
        // Two requests with the same new key at once: the loser answers as a replay (or 409).
        if (key && hasPgCode(err, '23505')) {
          const existing = await findByKey(db, fleetId, key)
          if (existing) return replay(existing, digestOf(body))
        }
        throw err
      }
    },

    async fleetHealth(fleetId) {
      const fleet = toFleet(await requireFleet(db, fleetId))
      const live = await db
        .select({ release: tgspReleases, pkg: tgspPackages })
        .from(tgspReleases)
        .innerJoin(tgspPackages, eq(tgspPackages.id, tgspReleases.packageId))
        .where(and(eq(tgspReleases.fleetId, fleetId), isNull(tgspReleases.supersededAt)))
      const ordered = live.sort((a, b) => channels.indexOf(a.release.channel) - channels.indexOf(b.release.channel))
      const items = await Promise.all(
        ordered.map(async ({ release, pkg }) => {
          const totals = await healthTotals(db, { fleetId, channel: release.channel, packageId: pkg.id })
          return {
            channel: release.channel,
            releaseId: release.id,
            liveSince: release.createdAt.toISOString(),
            package: { id: pkg.id, packageId: pkg.packageId, modelName: pkg.modelName, modelVersion: pkg.modelVersion },
            totals,
            verdict: verdictOf(fleet.health, totals),
          }
        }),
      )
      return { fleetId, policy: fleet.health, items }
    },

    async updatePolicy(ctx, fleetId, body) {
      return db.transaction(async (tx) => {
        const before = toFleet(await requireFleet(tx, fleetId, true))
        const [after] = await tx
          .update(tgspFleets)
          .set({
            healthMaxFailureRate: body.health?.maxFailureRate ?? null,
            healthMinReports: body.health?.minReports ?? 1,
            healthMinSamples: body.health?.minSamples ?? 1,
          })
          .where(eq(tgspFleets.id, fleetId))
          .returning()
        if (!after) throw notFound('Fleet')
        await audit.record(tx, ctx, {
          action: 'tgsp.fleet_policy_updated',
          resourceType: 'tgsp_fleet',
          resourceId: fleetId,
          outcome: 'success',
          details: { name: after.name, health: { before: before.health, after: body.health } },
        })
        return toFleet(after)
      })
    },

    async createAgentKey(ctx, fleetId, body) {
      return db.transaction(async (tx) => {
        const fleet = await requireFleet(tx, fleetId)
        if (fleet.archivedAt) throw conflict(`The fleet "${fleet.name}" is archived.`, { field: 'fleetId' })
        return insertApiKey(tx, audit, hashSecret, ctx, { name: body.name, roles: [], scopeFleetId: fleetId })
      })
    },
  }
}
