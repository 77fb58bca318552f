// Operators' tags and note on a run: replaced as given, audited with before and after, and
// published on the training channel so that open consoles update.
import { eq } from 'drizzle-orm'
import type { Run, UpdateRunAnnotationsBody } from '@tg/contracts'
import { trainingRuns } from '../../db/schema'
import type { AuditContext } from '../audit/record'
import { publish, requireRun } from './context'
import type { TrainingDeps } from './context'
import { toRun } from './repo'

export async function updateAnnotations(
  deps: TrainingDeps,
  ctx: AuditContext,
  runId: string,
  body: UpdateRunAnnotationsBody,
): Promise<Run> {
  return deps.db.transaction(async (tx) => {
    const before = await requireRun(tx, runId, true)
    const tags = body.tags ?? before.tags
    const note = body.note ?? before.note
    const [after] = await tx.update(trainingRuns).set({ tags, note }).where(eq(trainingRuns.id, runId)).returning()
    if (!after) throw new Error('update returned no row')
    await deps.audit.record(tx, ctx, {
      action: 'training.run_annotated',
      resourceType: 'training_run',
      resourceId: runId,
      outcome: 'success',
      details: {
        name: before.name,
        ...(body.tags !== undefined ? { tags: { before: before.tags, after: tags } } : {}),
        ...(body.note !== undefined ? { note: { before: before.note, after: note } } : {}),
      },
    })
    await publish(deps, tx, { type: 'run', runId, state: after.state })
    return toRun(after)
  })
}
