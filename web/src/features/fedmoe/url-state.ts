// What the FedMoE pages keep in the URL, so that a view can be shared and reloaded: the experts
// list's filters, the family page's selected version and evidence filter, the arena's versions,
// benchmark and baseline, and the trace viewer's filter and page.
import {
  ARENA_TRACE_FILTERS,
  ARENA_VERSIONS_MAX,
  ARENA_VERSIONS_MIN,
  EVIDENCE_TYPES,
  EXPERT_STATUSES,
} from '@tg/contracts'
import type { EvidenceType, ExpertStatus } from '@tg/contracts'
import type { LocationQuery } from 'vue-router'
import { oneOf, textOf, toLocationQuery } from '@/shared/ui/url-filters'

export type ExpertStatusFilter = ExpertStatus
export type EvidenceTypeFilter = EvidenceType
export type TraceFilter = (typeof ARENA_TRACE_FILTERS)[number]
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** A score below this is a failure unless the URL says otherwise (the server's default). */
export const DEFAULT_FAILURES_BELOW = 0.5

/** `?status=&baseModel=&q=&cursor=` of the experts list. */
export type ExpertFilters = { status?: ExpertStatusFilter; baseModel?: string; q?: string; cursor?: string }

export function expertFiltersOf(query: LocationQuery): ExpertFilters {
  return toLocationQuery({
    status: oneOf(query, 'status', EXPERT_STATUSES),
    baseModel: textOf(query, 'baseModel', 80),
    q: textOf(query, 'q', 120),
    cursor: textOf(query, 'cursor', 200),
  }) as ExpertFilters
}

/** `?version=&evidenceType=&evidenceCursor=` of the family page. */
export type FamilyState = { version?: string; evidenceType?: EvidenceTypeFilter; evidenceCursor?: string }

export function familyStateOf(query: LocationQuery): FamilyState {
  const version = textOf(query, 'version', 40)
  return toLocationQuery({
    version: version && UUID.test(version) ? version : undefined,
    evidenceType: oneOf(query, 'evidenceType', EVIDENCE_TYPES),
    evidenceCursor: textOf(query, 'evidenceCursor', 200),
  }) as FamilyState
}

/** Version ids of a comma list: valid uuids only, each once, at most four, in the given order. */
export function versionIdsOf(query: LocationQuery): string[] {
  const raw = textOf(query, 'versions', 200) ?? ''
  const ids: string[] = []
  for (const part of raw.split(',')) {
    const id = part.trim().toLowerCase()
    if (UUID.test(id) && !ids.includes(id) && ids.length < ARENA_VERSIONS_MAX) ids.push(id)
  }
  return ids
}

/** `?versions=a,b,c&benchmark=&baseline=&metric=` of the arena. The baseline is one of the versions (the first by default). */
export type ArenaState = { versions: string[]; benchmark?: string; baseline?: string; metric?: string }

export function arenaStateOf(query: LocationQuery): ArenaState {
  const versions = versionIdsOf(query)
  const baseline = textOf(query, 'baseline', 40)?.toLowerCase()
  return {
    versions,
    benchmark: textOf(query, 'benchmark', 120),
    baseline: baseline && versions.includes(baseline) ? baseline : versions[0],
    metric: textOf(query, 'metric', 64),
  }
}

/** True when the arena can ask the server: 2-4 versions and a benchmark. */
export function isArenaReady(state: ArenaState): state is ArenaState & { benchmark: string } {
  return state.versions.length >= ARENA_VERSIONS_MIN && state.benchmark !== undefined
}

/** The URL query of an arena state (the baseline only when it is not the first version). */
export function arenaQueryOf(state: ArenaState): Record<string, string> {
  return toLocationQuery({
    versions: state.versions.length > 0 ? state.versions.join(',') : undefined,
    benchmark: state.benchmark,
    baseline: state.baseline && state.baseline !== state.versions[0] ? state.baseline : undefined,
    metric: state.metric,
  }) as Record<string, string>
}

/** `?versions=&benchmark=&filter=&failuresBelow=&cursor=` of the trace viewer. */
export type TraceState = {
  versions: string[]
  benchmark?: string
  filter: TraceFilter
  failuresBelow: number
  cursor?: string
}

export function traceStateOf(query: LocationQuery): TraceState {
  const below = Number(textOf(query, 'failuresBelow', 12))
  return {
    versions: versionIdsOf(query),
    benchmark: textOf(query, 'benchmark', 120),
    filter: oneOf(query, 'filter', ARENA_TRACE_FILTERS) ?? 'all',
    failuresBelow: Number.isFinite(below) && below > 0 && below <= 1 ? below : DEFAULT_FAILURES_BELOW,
    cursor: textOf(query, 'cursor', 200),
  }
}

/** The URL query of a trace viewer state; defaults are left out. */
export function traceQueryOf(state: TraceState): Record<string, string> {
  return toLocationQuery({
    versions: state.versions.join(',') || undefined,
    benchmark: state.benchmark,
    filter: state.filter === 'all' ? undefined : state.filter,
    failuresBelow: state.failuresBelow === DEFAULT_FAILURES_BELOW ? undefined : String(state.failuresBelow),
    cursor: state.cursor,
  }) as Record<string, string>
}
