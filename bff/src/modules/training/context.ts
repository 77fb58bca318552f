import { FINAL_RUN_STATES } from '@tg/contracts'
import type { RunState, TrainingEvent } from '@tg/contracts'
import type { Db, Executor } from '../../db/client'
import type { EventBus } from '../../lib/events'
import { notFound } from '../../lib/errors'
import type { AuditWriter } from '../audit/record'
import { findRunRow } from './repo'
import type { ProducedPackageRef } from './repo'

export const TRAINING_CHANNEL = 'tg_training'

/** The marketplace, as the training module sees it: a package's identity by its id or content id. */
export interface PackageDirectory {
  findPackageRef(ex: Executor, ref: { id: string } | { contentId: string }): Promise<ProducedPackageRef | null>
}

/** What the training use cases need, passed explicitly. */
export type TrainingDeps = {
  db: Db
  audit: AuditWriter
  events: EventBus
  hashSecret: (s: string) => string
  packages: PackageDirectory
}

export const publish = (deps: TrainingDeps, tx: Executor, event: TrainingEvent) =>
  deps.events.append(tx, TRAINING_CHANNEL, event)

export async function requireRun(ex: Executor, runId: string, forUpdate = false) {
  const row = await findRunRow(ex, runId, forUpdate)
  if (!row) throw notFound('Training run')
  return row
}

export const isFinal = (state: RunState) => FINAL_RUN_STATES.includes(state)
