import type { FedmoeDeps } from '../context'

/** What the evidence use cases need, passed explicitly. */
export type EvidenceDeps = Pick<FedmoeDeps, 'db' | 'audit' | 'events' | 'hashSecret'>

export const EVIDENCE_AUDIT_ACTION = 'fedmoe.evidence.ingested'
export const EVIDENCE_RESOURCE_TYPE = 'expert_evidence'
