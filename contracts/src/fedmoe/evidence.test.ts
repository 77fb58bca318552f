import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { CompareVersionsQuerySchema } from './arena'
import {
  EVIDENCE_TRACES_MAX,
  EvidenceBodySchema,
  TRACE_JSON_MAX_BYTES,
  describeEvidenceIssues,
  evidenceDigest,
  evidenceSummary,
  isEvidenceCapIssue,
} from './evidence'

const trace = (i: number, overrides: Record<string, unknown> = {}) => ({
  input: { prompt: `pick ${i}` },
  output: { action: [i, 0.5] },
  expected: null,
  score: 0.75,
  latency_ms: 12.5,
  ...overrides,
})
const evalResult = (overrides: Record<string, unknown> = {}) => ({
  type: 'EVAL_RESULT',
  benchmark: 'libero',
  split: 'test',
  n_samples: 200,
  metrics: { success_rate: 0.82, avg_latency_ms: 41 },
  baseline_version: '1.0.0',
  traces: [trace(0), trace(1)],
  ...overrides,
})

function issuesOf(input: unknown) {
  const result = EvidenceBodySchema.safeParse(input)
  expect(result.success).toBe(false)
  if (result.success) return { issues: [], caps: [] }
  return {
    issues: describeEvidenceIssues(result.error.issues),
    caps: result.error.issues.filter(isEvidenceCapIssue),
  }
}

describe('evidence bodies', () => {
  it('accepts each of the five types and fills the defaults', () => {
    const bodies = [
      evalResult({ baseline_version: undefined, traces: undefined }),
      {
        type: 'SIM_SUCCESS',
        simulator: 'isaac',
        scenario: 'kitchen',
        episodes: 50,
        success_rate: 0.9,
        collision_rate: 0.02,
      },
      { type: 'REAL_WORLD_VLD', site: 'lab-2', robot: 'franka', trials: 20, success_rate: 0.7, incidents: 0 },
      { type: 'PEER_REVIEW', reviewer: 'ada', verdict: 'approve' },
      {
        type: 'VLA_BENCHMARK',
        benchmark: 'libero',
        suite: 'LIBERO-Long',
        tasks: 10,
        n_samples: 500,
        metrics: { sr: 0.5 },
      },
    ]
    for (const body of bodies) expect(EvidenceBodySchema.safeParse(body).success, body.type).toBe(true)
    const parsed = EvidenceBodySchema.parse(bodies[0])
    expect(parsed).toMatchObject({ baseline_version: null, traces: [] })
    expect(EvidenceBodySchema.parse(bodies[3])).toMatchObject({ comments: '' })
  })

  it('names an unknown field in the issue path, at any depth', () => {
    expect(issuesOf(evalResult({ colour: 'red' })).issues).toEqual([
      { path: 'colour', message: 'Unknown field "colour".' },
    ])
    expect(issuesOf(evalResult({ traces: [trace(0), trace(1, { extra: 1 })] })).issues).toEqual([
      { path: 'traces.1.extra', message: 'Unknown field "extra".' },
    ])
    expect(issuesOf({ type: 'PEER_REVIEW', reviewer: 'ada', verdict: 'approve', score: 1 }).issues[0]?.path).toBe(
      'score',
    )
  })

  it('refuses out-of-range numbers and unknown types, naming the field', () => {
    const paths = (input: unknown) => issuesOf(input).issues.map((i) => i.path)
    expect(paths(evalResult({ n_samples: 0 }))).toEqual(['n_samples'])
    expect(paths(evalResult({ n_samples: 2.5 }))).toEqual(['n_samples'])
    expect(paths(evalResult({ traces: [trace(0, { score: 1.2 })] }))).toEqual(['traces.0.score'])
    expect(paths(evalResult({ traces: [trace(0, { latency_ms: -1 })] }))).toEqual(['traces.0.latency_ms'])
    expect(paths(evalResult({ baseline_version: 'v1' }))).toEqual(['baseline_version'])
    expect(paths(evalResult({ metrics: { ['x'.repeat(65)]: 1 } }))).toEqual([`metrics.${'x'.repeat(65)}`])
    expect(
      paths({
        type: 'SIM_SUCCESS',
        simulator: 's',
        scenario: 'x',
        episodes: 5,
        success_rate: 1.01,
        collision_rate: -0.1,
      }),
    ).toEqual(['success_rate', 'collision_rate'])
    expect(paths({ type: 'PEER_REVIEW', reviewer: 'ada', verdict: 'maybe' })).toEqual(['verdict'])
    expect(paths({ type: 'SCORE', value: 0.9 })).toEqual(['type'])
    const missing = issuesOf(evalResult({ traces: [{ output: 1, expected: null, score: 1, latency_ms: 1 }] }))
    expect(missing.issues.map((i) => i.path)).toEqual(['traces.0.input'])
    expect(missing.caps).toHaveLength(0)
  })

  it('marks the caps (trace count, a trace\u2019s JSON size) apart from other issues', () => {
    const many = Array.from({ length: EVIDENCE_TRACES_MAX + 1 }, (_, i) => trace(i))
    const tooMany = issuesOf(evalResult({ traces: many }))
    expect(tooMany.issues.map((i) => i.path)).toEqual(['traces'])
    expect(tooMany.caps).toHaveLength(1)
    expect(EvidenceBodySchema.safeParse(evalResult({ traces: many.slice(1) })).success).toBe(true)

    const big = 'é'.repeat(TRACE_JSON_MAX_BYTES / 2) // 2 bytes each in UTF-8, plus the quotes: over the cap
    const tooLarge = issuesOf(evalResult({ traces: [trace(0), trace(1, { expected: big })] }))
    expect(tooLarge.issues).toEqual([
      { path: 'traces.1.expected', message: `At most ${TRACE_JSON_MAX_BYTES} bytes of JSON.` },
    ])
    expect(tooLarge.caps).toHaveLength(1)
    const fits = 'a'.repeat(TRACE_JSON_MAX_BYTES - 2)
    expect(EvidenceBodySchema.safeParse(evalResult({ traces: [trace(0, { input: fits })] })).success).toBe(true)
    expect(issuesOf(evalResult({ n_samples: 0 })).caps).toHaveLength(0)
  })

  it('digests the canonical JSON of the validated body, whatever the key order', () => {
    const a = EvidenceBodySchema.parse(evalResult())
    const reversed = Object.fromEntries(Object.entries(evalResult()).reverse())
    const b = EvidenceBodySchema.parse(reversed)
    expect(Object.keys(reversed)[0]).toBe('traces')
    const canonical =
      '{"baseline_version":"1.0.0","benchmark":"libero","metrics":{"avg_latency_ms":41,"success_rate":0.82},"n_samples":200,' +
      '"split":"test","traces":[{"expected":null,"input":{"prompt":"pick 0"},"latency_ms":12.5,"output":{"action":[0,0.5]},' +
      '"score":0.75},{"expected":null,"input":{"prompt":"pick 1"},"latency_ms":12.5,"output":{"action":[1,0.5]},"score":0.75}],' +
      '"type":"EVAL_RESULT"}'
    const expected = `sha256:${createHash('sha256').update(canonical).digest('hex')}`
    expect(evidenceDigest(a)).toBe(expected)
    expect(evidenceDigest(b)).toBe(expected)
    expect(evidenceDigest(EvidenceBodySchema.parse(evalResult({ n_samples: 201 })))).not.toBe(expected)
    expect(evidenceSummary(a)).not.toHaveProperty('traces')
  })
})

describe('arena queries', () => {
  const ids = ['0b7d3c1e-8a4b-4c55-9d2e-1f3a5b7c9d01', '0b7d3c1e-8a4b-4c55-9d2e-1f3a5b7c9d02']
  it('takes 2 to 4 distinct version ids, comma-separated', () => {
    expect(CompareVersionsQuerySchema.parse({ versions: ids.join(','), benchmark: 'b' }).versions).toEqual(ids)
    const bad = (versions: string) => CompareVersionsQuerySchema.safeParse({ versions, benchmark: 'b' }).success
    expect(bad(ids[0]!)).toBe(false)
    expect(bad(`${ids[0]},${ids[0]}`)).toBe(false)
    expect(bad(`${ids.join(',')},not-a-uuid`)).toBe(false)
  })
})
