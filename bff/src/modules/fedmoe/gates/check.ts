// Evaluating a version's gate (validate, deploy, and the dry run), and keeping its summary.
import { eq } from 'drizzle-orm'
import { evaluateGate, summarizeGate } from '@tg/contracts'
import type { GateEvaluation } from '@tg/contracts'
import type { Executor } from '../../../db/client'
import { expertVersions } from '../../../db/schema'
import { AppError } from '../../../lib/errors'
import type { AuditContext } from '../../audit/record'
import { VERSION_RESOURCE } from '../context'
import type { FedmoeDeps } from '../context'
import { requireFamily, requireVersion } from '../repo'
import type { VersionRow } from '../repo'
import { observeGate } from './observe'
import { loadPolicy } from './policy'

/** 422 naming `field` unless `channel` is one of the marketplace's release channels. */
export function requireChannel(deps: Pick<FedmoeDeps, 'tgsp'>, channel: string, field = 'channel'): void {
  const channels = deps.tgsp.channels()
  if (!channels.includes(channel))
    throw new AppError('VALIDATION_FAILED', `There is no release channel ${channel}.`, {
      issues: [{ path: field, message: `Use one of: ${channels.join(', ')}.` }],
    })
}

export async function evaluateVersionGate(
  ex: Executor,
  version: Pick<VersionRow, 'id' | 'expertId'>,
  channel: string | null,
): Promise<GateEvaluation> {
  const { source, policy } = await loadPolicy(ex, version.expertId)
  const observations = await observeGate(ex, { expertId: version.expertId, versionId: version.id, channel, policy })
  return evaluateGate(policy, observations, { policySource: source, channel, evaluatedAt: new Date().toISOString() })
}

export async function storeLastGate(ex: Executor, versionId: string, gate: GateEvaluation): Promise<void> {
  await ex
    .update(expertVersions)
    .set({ lastGate: summarizeGate(gate) })
    .where(eq(expertVersions.id, versionId))
}

/** The dry run: evaluates and keeps the summary on the version; not audited. */
export async function checkGate(
  deps: FedmoeDeps,
  expertId: string,
  versionId: string,
  channel: string | undefined,
): Promise<GateEvaluation> {
  if (channel !== undefined) requireChannel(deps, channel)
  await requireFamily(deps.db, expertId)
  const version = await requireVersion(deps.db, expertId, versionId)
  const gate = await evaluateVersionGate(deps.db, version, channel ?? null)
  await storeLastGate(deps.db, versionId, gate)
  return gate
}

/**
 * A refused validate or deploy: its own transaction (the change itself rolled back) keeps the
 * summary on the version and audits the refusal; then the caller gets 409 GATE_FAILED.
 */
export async function refuseByGate(
  deps: FedmoeDeps,
  ctx: AuditContext,
  version: Pick<VersionRow, 'id' | 'expertId' | 'version'>,
  attempted: 'validate' | 'deploy',
  gate: GateEvaluation,
): Promise<never> {
  await deps.db.transaction(async (tx) => {
    await storeLastGate(tx, version.id, gate)
    await deps.audit.record(tx, ctx, {
      action: 'fedmoe.gate.failed',
      resourceType: VERSION_RESOURCE,
      resourceId: version.id,
      outcome: 'failure',
      details: {
        expertId: version.expertId,
        version: version.version,
        attempted,
        channel: gate.channel,
        policySource: gate.policySource,
        failedRules: summarizeGate(gate).failedRules,
      },
    })
  })
  const failed = gate.rules.filter((r) => !r.passed).length
  throw new AppError(
    'GATE_FAILED',
    `The promotion gate of ${version.version} failed: ${failed} of ${gate.rules.length} rules did not pass.`,
    { gate },
  )
}
