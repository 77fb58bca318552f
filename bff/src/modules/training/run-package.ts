// A training agent reports the TGSP package its run produced: the marketplace must hold it (422
// naming the field otherwise), and the run records it once (the same again is a replay, another
// one a conflict), audited and published in the same transaction.
import { eq, sql } from 'drizzle-orm'
import type { ReportRunPackageBody, Run } from '@tg/contracts'
import { trainingRuns } from '../../db/schema'
import { AppError, conflict } from '../../lib/errors'
import type { AuditContext } from '../audit/record'
import { publish, requireRun } from './context'
import type { TrainingDeps } from './context'
import { toRun } from './repo'
import type { ProducedPackageRef } from './repo'

export type RunPackageReceipt = { run: Run; replayed: boolean }

export async function reportRunPackage(
  deps: TrainingDeps,
  ctx: AuditContext,
  runId: string,
  body: ReportRunPackageBody,
): Promise<RunPackageReceipt> {
  const field = body.packageId !== undefined ? 'packageId' : 'sha256'
  const ref = body.packageId !== undefined ? { id: body.packageId } : { contentId: body.sha256! }
  return deps.db.transaction(async (tx) => {
    const run = await requireRun(tx, runId, true)
    const pkg = await deps.packages.findPackageRef(tx, ref)
    if (!pkg)
      throw new AppError('VALIDATION_FAILED', `The marketplace holds no package with this ${field}.`, {
        issues: [{ path: field, message: 'No verified package has it: upload the package first.' }],
      })
    if (run.producedPackageId !== null) {
      if (run.producedPackageId === pkg.id) return { run: toRun(run), replayed: true }
      const known = run.producedPackage as ProducedPackageRef
      throw conflict(`The run already reported ${known.modelName} ${known.modelVersion} as the package it produced.`, {
        field,
        producedPackageId: run.producedPackageId,
      })
    }
    const [after] = await tx
      .update(trainingRuns)
      .set({
        producedPackageId: pkg.id,
        producedPackage: pkg,
        producedReportedAt: sql`now()`,
        producedReportedBy: ctx.actor.name,
      })
      .where(eq(trainingRuns.id, runId))
      .returning()
    if (!after) throw new Error('update returned no row')
    await deps.audit.record(tx, ctx, {
      action: 'training.run_package_reported',
      resourceType: 'training_run',
      resourceId: runId,
      outcome: 'success',
      details: { name: run.name, package: pkg, by: field },
    })
    await publish(deps, tx, { type: 'run', runId, state: after.state })
    return { run: toRun(after), replayed: false }
  })
}
