// The FedMoE registry's interface, bound to its use cases (one file each). The evidence service
// (evidence/) shares the deps and publishes on the same live channel.
import type { LiveFeed } from '../../lib/event-stream'
import type {
  ChangeStatusBody,
  ComponentHealth,
  CreateExpertBody,
  CreateVersionBody,
  DeployExpertBody,
  ExpertDeployment,
  ExpertDeploymentPage,
  ExpertFamily,
  ExpertFamilyDetail,
  ExpertFamilyPage,
  ExpertVersion,
  ExpertVersionDetail,
  FedmoeEvent,
  FedmoeOverview,
  GateEvaluation,
  GatePolicy,
  GatePolicyResponse,
  ListDeploymentsQuery,
  ListExpertsQuery,
  RollbackExpertBody,
  SetDefaultGatePolicyBody,
  SetGatePolicyBody,
} from '@tg/contracts'
import type { AuditContext } from '../audit/record'
import { FEDMOE_CHANNEL, publish } from './context'
import type { FedmoeDeps } from './context'
import { deployVersion } from './deploy/deploy'
import { listDeployments } from './deploy/history'
import { rollback } from './deploy/rollback'
import { createEvidenceService } from './evidence/service'
import type { EvidenceService } from './evidence/service'
import { createArenaService } from './arena/service'
import type { ArenaService } from './arena/service'
import { createExpert } from './experts/create'
import { getExpert } from './experts/get'
import { listExperts } from './experts/list'
import { checkGate } from './gates/check'
import { getFamilyPolicy, loadDefaultPolicy, setDefaultPolicy, setFamilyPolicy } from './gates/policy'
import { fedmoeCounts, fedmoeOverview } from './overview'
import { changeStatus } from './versions/change-status'
import { createVersion } from './versions/create'
import { getVersion } from './versions/get'

export type { FedmoeDeps }

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`

export interface FedmoeService {
  listExperts(query: ListExpertsQuery): Promise<ExpertFamilyPage>
  createExpert(ctx: AuditContext, body: CreateExpertBody): Promise<ExpertFamily>
  getExpert(expertId: string): Promise<ExpertFamilyDetail>
  createVersion(ctx: AuditContext, expertId: string, body: CreateVersionBody): Promise<ExpertVersion>
  getVersion(expertId: string, versionId: string): Promise<ExpertVersionDetail>
  changeStatus(ctx: AuditContext, expertId: string, versionId: string, body: ChangeStatusBody): Promise<ExpertVersion>
  checkGate(expertId: string, versionId: string, channel: string | undefined): Promise<GateEvaluation>
  deploy(ctx: AuditContext, expertId: string, versionId: string, body: DeployExpertBody): Promise<ExpertDeployment>
  rollback(ctx: AuditContext, expertId: string, body: RollbackExpertBody): Promise<ExpertDeployment>
  listDeployments(expertId: string, query: ListDeploymentsQuery): Promise<ExpertDeploymentPage>
  getGatePolicy(expertId: string): Promise<GatePolicyResponse>
  setGatePolicy(ctx: AuditContext, expertId: string, body: SetGatePolicyBody): Promise<GatePolicyResponse>
  getDefaultGatePolicy(): Promise<GatePolicy>
  setDefaultGatePolicy(ctx: AuditContext, body: SetDefaultGatePolicyBody): Promise<GatePolicy>
  overview(): Promise<FedmoeOverview>
  /** Live events (optionally of one family); returns the way to stop. */
  subscribe(expertId: string | undefined, onEvent: (event: FedmoeEvent) => void): Promise<() => void>
  /** The live events of a stream (optionally of one family), from the durable log. */
  feed(expertId: string | undefined): LiveFeed<FedmoeEvent>
  health(): Promise<ComponentHealth>
  readonly evidence: EvidenceService
  readonly arena: ArenaService
  /** Aborted when the server shuts down: live streams end. */
  readonly closed: AbortSignal
}

export function createFedmoeService(deps: FedmoeDeps): FedmoeService {
  const { db, events } = deps
  return {
    listExperts: (query) => listExperts(db, query),
    createExpert: (ctx, body) => createExpert(deps, ctx, body),
    getExpert: (expertId) => getExpert(deps, expertId),
    createVersion: (ctx, expertId, body) => createVersion(deps, ctx, expertId, body),
    getVersion: (expertId, versionId) => getVersion(deps, expertId, versionId),
    changeStatus: (ctx, expertId, versionId, body) => changeStatus(deps, ctx, expertId, versionId, body),
    checkGate: (expertId, versionId, channel) => checkGate(deps, expertId, versionId, channel),
    deploy: (ctx, expertId, versionId, body) => deployVersion(deps, ctx, expertId, versionId, body),
    rollback: (ctx, expertId, body) => rollback(deps, ctx, expertId, body),
    listDeployments: (expertId, query) => listDeployments(deps, expertId, query),
    getGatePolicy: (expertId) => getFamilyPolicy(deps, expertId),
    setGatePolicy: (ctx, expertId, body) => setFamilyPolicy(deps, ctx, expertId, body),
    getDefaultGatePolicy: () => loadDefaultPolicy(db),
    setDefaultGatePolicy: (ctx, body) => setDefaultPolicy(deps, ctx, body),
    overview: () => fedmoeOverview(db),
    arena: createArenaService({ db }),
    evidence: createEvidenceService({
      db,
      audit: deps.audit,
      hashSecret: deps.hashSecret,
      publish: (tx, event) => publish(deps, tx, event),
    }),

    async subscribe(expertId, onEvent) {
      return events.subscribe(FEDMOE_CHANNEL, (payload) => {
        const event = JSON.parse(payload) as FedmoeEvent
        if (!expertId || event.expertId === expertId) onEvent(event)
      })
    },

    feed: (expertId) => ({
      bus: events,
      channel: FEDMOE_CHANNEL,
      select: (payload) => {
        const event = payload as FedmoeEvent
        return !expertId || event.expertId === expertId ? event : null
      },
    }),

    closed: events.closed,

    async health() {
      const started = performance.now()
      const counts = await fedmoeCounts(db)
      return {
        name: 'fedmoe',
        label: 'FedMoE',
        kind: 'module',
        status: 'ok',
        message: `${counts.families} famil${counts.families === 1 ? 'y' : 'ies'}, ${plural(counts.versions, 'version')}, ${plural(counts.deployed, 'live deployment')}`,
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
      }
    },
  }
}
