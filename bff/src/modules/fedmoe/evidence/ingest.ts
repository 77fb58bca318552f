// Ingesting evidence: validated by the route, hashed over its canonical JSON, idempotent by the
// client's key, and written with its traces, its audit entry and its live event in one transaction.
import { createHash } from 'node:crypto'
import { and, eq, sql } from 'drizzle-orm'
import { canonicalJson, evidenceDigest, evidenceSummary, evidenceWithoutTraces } from '@tg/contracts'
import type { EvidenceBody, EvidenceReceipt, EvidenceTrace } from '@tg/contracts'
import type { Executor, Tx } from '../../../db/client'
import { hasPgCode } from '../../../db/client'
import { expertEvidence } from '../../../db/schema'
import { conflict } from '../../../lib/errors'
import type { AuditContext } from '../../audit/record'
import { EVIDENCE_AUDIT_ACTION, EVIDENCE_RESOURCE_TYPE } from './context'
import type { EvidenceDeps } from './context'
import { evidenceColumns, requireFamilyVersion, toEvidenceItem } from './repo'
import type { EvidenceRow } from './repo'

/** Traces per INSERT: one JSON parameter per batch, whatever the number of traces. */
export const TRACE_BATCH = 1000

export type IngestInput = { expertId: string; versionId: string; body: EvidenceBody; idempotencyKey?: string }

const keyOf = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex')

async function insertTraces(
  tx: Tx,
  evidence: { id: string; versionId: string; benchmark: string | null },
  traces: EvidenceTrace[],
) {
  for (let start = 0; start < traces.length; start += TRACE_BATCH) {
    const rows = traces.slice(start, start + TRACE_BATCH).map((trace, i) => ({
      ordinal: start + i,
      input_key: keyOf(trace.input),
      output_key: keyOf(trace.output),
      input: trace.input,
      output: trace.output,
      expected: trace.expected,
      score: trace.score,
      latency_ms: trace.latency_ms,
    }))
    await tx.execute(sql`
      insert into expert_traces (evidence_id, ordinal, version_id, benchmark, input_key, input, output, expected, output_key, score, latency_ms)
      select ${evidence.id}::uuid, t.ordinal, ${evidence.versionId}::uuid, ${evidence.benchmark}, t.input_key,
        coalesce(t.input, 'null'::jsonb), coalesce(t.output, 'null'::jsonb), t.expected, t.output_key, t.score, t.latency_ms
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as t(ordinal int, input_key text, output_key text, input jsonb, output jsonb, expected jsonb, score real, latency_ms real)`)
  }
}

async function findByKey(ex: Executor, versionId: string, idempotencyKey: string) {
  const [row] = await ex
    .select(evidenceColumns)
    .from(expertEvidence)
    .where(and(eq(expertEvidence.versionId, versionId), eq(expertEvidence.idempotencyKey, idempotencyKey)))
  return row
}

function replay(row: EvidenceRow, digest: string): EvidenceReceipt {
  if (row.digest !== digest)
    throw conflict('This Idempotency-Key was used for different evidence on this version.', {
      field: 'Idempotency-Key',
      digest: row.digest,
      evidenceId: row.id,
    })
  return { ...toEvidenceItem(row), replayed: true }
}

async function record(deps: EvidenceDeps, tx: Tx, ctx: AuditContext, input: IngestInput, digest: string) {
  const { expertId, versionId, body } = input
  const traces = 'traces' in body ? body.traces : []
  const metricsOf = 'metrics' in body ? body.metrics : null
  const [row] = await tx
    .insert(expertEvidence)
    .values({
      expertId,
      versionId,
      type: body.type,
      digest,
      body: evidenceWithoutTraces(body),
      summary: evidenceSummary(body),
      benchmark: 'benchmark' in body ? body.benchmark : null,
      nSamples: 'n_samples' in body ? body.n_samples : null,
      metrics: metricsOf,
      traceCount: traces.length,
      idempotencyKey: input.idempotencyKey ?? null,
      createdByUser: ctx.actor.type === 'user' ? ctx.actor.name : null,
      createdByKey: ctx.actor.type === 'api_key' ? ctx.actor.name : null,
    })
    .returning()
  if (!row) throw new Error('insert returned no row')
  await insertTraces(tx, row, traces)
  await deps.audit.record(tx, ctx, {
    action: EVIDENCE_AUDIT_ACTION,
    resourceType: EVIDENCE_RESOURCE_TYPE,
    resourceId: row.id,
    outcome: 'success',
    details: { expertId, versionId, evidenceId: row.id, type: body.type, digest, traceCount: traces.length },
  })
  await deps.publish(tx, { type: 'evidence', expertId, versionId, evidenceId: row.id })
  return row
}

export async function ingestEvidence(
  deps: EvidenceDeps,
  ctx: AuditContext,
  input: IngestInput,
): Promise<EvidenceReceipt> {
  const digest = evidenceDigest(input.body)
  const { idempotencyKey } = input
  try {
    return await deps.db.transaction(async (tx) => {
      const version = await requireFamilyVersion(tx, input.expertId, input.versionId)
      if (idempotencyKey) {
        const existing = await findByKey(tx, input.versionId, idempotencyKey)
        if (existing) return replay(existing, digest)
      }
      if (version.status === 'archived')
        throw conflict(`Version ${version.version} is archived: it takes no more evidence.`, { field: 'versionId' })
      return { ...toEvidenceItem(await record(deps, tx, ctx, input, digest)), replayed: false }
    })
  } catch (err) {
    // Two requests with the same new key at once: the loser answers as a replay (or 409).
    if (idempotencyKey && hasPgCode(err, '23505')) {
      const existing = await findByKey(deps.db, input.versionId, idempotencyKey)
      if (existing) return replay(existing, digest)
    }
    throw err
  }
}
