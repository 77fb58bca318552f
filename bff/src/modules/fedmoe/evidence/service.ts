// The evidence use cases (one file each), bound into one interface.
import type {
  CreatedApiKey,
  CreateIngestKeyBody,
  EvidenceDetail,
  EvidencePage,
  EvidenceReceipt,
  ListEvidenceQuery,
  ListTracesQuery,
  TracePage,
} from '@tg/contracts'
import type { AuditContext } from '../../audit/record'
import type { EvidenceDeps } from './context'
import { getEvidence } from './get'
import { ingestEvidence } from './ingest'
import type { IngestInput } from './ingest'
import { createIngestKey } from './ingest-keys'
import { listEvidence } from './list'
import { listTraces } from './traces'

export interface EvidenceService {
  ingest(ctx: AuditContext, input: IngestInput): Promise<EvidenceReceipt>
  list(expertId: string, versionId: string, query: ListEvidenceQuery): Promise<EvidencePage>
  get(evidenceId: string): Promise<EvidenceDetail>
  traces(evidenceId: string, query: ListTracesQuery): Promise<TracePage>
  createIngestKey(ctx: AuditContext, body: CreateIngestKeyBody): Promise<CreatedApiKey>
}

export function createEvidenceService(deps: EvidenceDeps): EvidenceService {
  return {
    ingest: (ctx, input) => ingestEvidence(deps, ctx, input),
    list: (expertId, versionId, query) => listEvidence(deps, expertId, versionId, query),
    get: (evidenceId) => getEvidence(deps, evidenceId),
    traces: (evidenceId, query) => listTraces(deps, evidenceId, query),
    createIngestKey: (ctx, body) => createIngestKey(deps, ctx, body),
  }
}
