import type { FedmoeEvent } from '@tg/contracts'
import type { Executor } from '../../../db/client'
import type { FedmoeDeps } from '../context'

/** What the evidence use cases need, passed explicitly. */
export type EvidenceDeps = Pick<FedmoeDeps, 'db' | 'audit' | 'hashSecret'> & {
  /** Publishes a FedMoE live event inside the caller's transaction (delivered when it commits). */
  publish: (tx: Executor, event: FedmoeEvent) => Promise<void>
}

export const EVIDENCE_AUDIT_ACTION = 'fedmoe.evidence.ingested'
export const EVIDENCE_RESOURCE_TYPE = 'expert_evidence'
