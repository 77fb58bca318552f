import type { FedmoeEvent } from '@tg/contracts'
import type { Db, Executor } from '../../db/client'
import type { EventBus } from '../../lib/events'
import type { AuditLog } from '../audit/record'
import type { TgspService } from '../tgsp/service'

/** The live-update channel of the module (LISTEN/NOTIFY across replicas). */
export const FEDMOE_CHANNEL = 'tg_fedmoe'

export const FAMILY_RESOURCE = 'expert_family'
export const VERSION_RESOURCE = 'expert_version'
export const POLICY_RESOURCE = 'expert_gate_policy'

/** What the FedMoE use cases need, passed explicitly. */
export type FedmoeDeps = {
  db: Db
  audit: AuditLog
  events: EventBus
  hashSecret: (s: string) => string
  /** The marketplace, through its interface: release channels and package verification. */
  tgsp: Pick<TgspService, 'channels' | 'getPackage'>
}

export const publish = (deps: Pick<FedmoeDeps, 'events'>, tx: Executor, event: FedmoeEvent) =>
  deps.events.append(tx, FEDMOE_CHANNEL, event)
