// The Eval Arena's use cases (one file each), bound into one interface.
import type {
  ArenaComparison,
  ArenaTracePage,
  CompareTracesQuery,
  CompareVersionsQuery,
  MetricHistory,
  MetricHistoryQuery,
} from '@tg/contracts'
import type { Db } from '../../../db/client'
import { compareVersions } from './compare'
import { metricHistory } from './metric-history'
import { compareTraces } from './traces'

export interface ArenaService {
  compare(expertId: string, query: CompareVersionsQuery): Promise<ArenaComparison>
  metricHistory(expertId: string, query: MetricHistoryQuery): Promise<MetricHistory>
  traces(expertId: string, query: CompareTracesQuery): Promise<ArenaTracePage>
}

export function createArenaService({ db }: { db: Db }): ArenaService {
  return {
    compare: (expertId, query) => compareVersions(db, expertId, query),
    metricHistory: (expertId, query) => metricHistory(db, expertId, query),
    traces: (expertId, query) => compareTraces(db, expertId, query),
  }
}
