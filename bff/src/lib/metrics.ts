import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { AuditIntegrity } from '@tg/contracts'

export interface Metrics {
  registry: Registry
  observeRequest(labels: { method: string; route: string; status: number }, seconds: number): void
  /** The outcome of an audit self-check run: the shared alarm state and what the run did. */
  observeAuditIntegrity(run: {
    state: AuditIntegrity
    rows: number
    seconds: number
    newFinding: { kind: string } | null
  }): void
  /** A request turned away with 429 by the request rate limits. */
  observeRateLimited(scope: 'address' | 'principal'): void
  /** A rate-limit decision taken in this process's memory because the shared store failed. */
  observeRateLimitFallback(store: 'redis' | 'postgres'): void
  /** Whether the shared rate-limit store answers (as this process last saw it). */
  observeRateLimitStore(store: 'redis' | 'postgres' | 'memory', isUp: boolean): void
  /** A group commit of audited writes committed with this many members. */
  observeWriteBatch(size: number): void
}

function createRateLimitMetrics(registry: Registry) {
  const registers = [registry]
  const limited = new Counter({
    name: 'tg_rate_limited_total',
    help: 'Requests answered 429 by the request rate limits, by scope (address or principal).',
    labelNames: ['scope'] as const,
    registers,
  })
  const fallbacks = new Counter({
    name: 'tg_rate_limit_store_fallbacks_total',
    help: 'Rate-limit decisions taken in this process memory because the shared store (Redis or PostgreSQL) failed.',
    labelNames: ['store'] as const,
    registers,
  })
  const up = new Gauge({
    name: 'tg_rate_limit_store_up',
    help: 'The shared rate-limit store answers (1) or not (0), as this process last saw it.',
    labelNames: ['store'] as const,
    registers,
  })
  return {
    observeRateLimited: (scope: 'address' | 'principal') => limited.inc({ scope }),
    observeRateLimitFallback: (store: 'redis' | 'postgres') => fallbacks.inc({ store }),
    observeRateLimitStore: (store: string, isUp: boolean) => up.set({ store }, isUp ? 1 : 0),
  }
}

function createAuditIntegrityMetrics(registry: Registry) {
  const registers = [registry]
  const ok = new Gauge({
    name: 'tg_audit_integrity_ok',
    help: 'Audit self-check, as shared by every replica: 1 the stored log matches its tree, 0 a finding is raised, -1 not checked yet.',
    registers,
  })
  ok.set(-1)
  const firstBad = new Gauge({
    name: 'tg_audit_integrity_first_bad_seq',
    help: 'The first bad sequence number of the raised finding (-1 when none).',
    registers,
  })
  firstBad.set(-1)
  const checked = new Gauge({
    name: 'tg_audit_integrity_checked_entries',
    help: 'Tree size the last completed self-check covered.',
    registers,
  })
  const findings = new Counter({
    name: 'tg_audit_integrity_findings_total',
    help: 'Distinct self-check findings raised by this process, by kind.',
    labelNames: ['kind'] as const,
    registers,
  })
  const rows = new Counter({
    name: 'tg_audit_integrity_rows_rehashed_total',
    help: 'Audit log rows rehashed by the self-check of this process.',
    registers,
  })
  const durations = new Histogram({
    name: 'tg_audit_integrity_check_seconds',
    help: 'Duration of a self-check run.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  })
  return (run: Parameters<Metrics['observeAuditIntegrity']>[0]) => {
    const { state } = run
    ok.set(state.status === 'ok' ? 1 : state.status === 'failed' ? 0 : -1)
    firstBad.set(state.finding?.seq ?? -1)
    if (state.checkedTreeSize !== null) checked.set(state.checkedTreeSize)
    if (run.newFinding) findings.inc({ kind: run.newFinding.kind })
    rows.inc(run.rows)
    durations.observe(run.seconds)
  }
}

export function createMetrics(): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'tg_' })
  const requests = new Counter({
    name: 'tg_http_requests_total',
    help: 'HTTP requests by method, matched route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  })
  const durations = new Histogram({
    name: 'tg_http_request_duration_seconds',
    help: 'HTTP request duration by method, matched route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  const batches = new Histogram({
    name: 'tg_audited_write_batch_size',
    help: 'Audited writes (state change and audit records) committed together by one group commit.',
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers: [registry],
  })
  return {
    registry,
    observeWriteBatch: (size) => batches.observe(size),
    observeRequest({ method, route, status }, seconds) {
      const labels = { method, route, status: String(status) }
      requests.inc(labels)
      durations.observe(labels, seconds)
    },
    observeAuditIntegrity: createAuditIntegrityMetrics(registry),
    ...createRateLimitMetrics(registry),
  }
}
