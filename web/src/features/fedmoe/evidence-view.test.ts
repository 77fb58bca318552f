import { describe, expect, it } from 'vitest'
import { auditLinkOf, summarizeEvidence } from './evidence-view'

describe('evidence summaries', () => {
  it('reads each type from its summary', () => {
    expect(
      summarizeEvidence({
        type: 'EVAL_RESULT',
        summary: {
          type: 'EVAL_RESULT',
          benchmark: 'libero',
          split: 'test',
          n_samples: 1200,
          metrics: { success_rate: 0.8125 },
        },
      }),
    ).toBe('libero/test · 1,200 samples · success_rate 0.8125')
    expect(
      summarizeEvidence({
        type: 'SIM_SUCCESS',
        summary: {
          type: 'SIM_SUCCESS',
          simulator: 'isaac',
          scenario: 'kitchen',
          episodes: 50,
          success_rate: 0.9,
          collision_rate: 0.02,
        },
      }),
    ).toBe('isaac kitchen · 50 episodes · success 90% · collisions 2%')
    expect(
      summarizeEvidence({
        type: 'PEER_REVIEW',
        summary: { type: 'PEER_REVIEW', reviewer: 'Grace', verdict: 'approve' },
      }),
    ).toBe('approve by Grace')
    expect(
      summarizeEvidence({
        type: 'REAL_WORLD_VLD',
        summary: {
          type: 'REAL_WORLD_VLD',
          site: 'lab-2',
          robot: 'franka',
          trials: 20,
          success_rate: 0.75,
          incidents: 0,
        },
      }),
    ).toBe('lab-2 · franka · 20 trials · success 75% · 0 incidents')
  })

  it('says "?" for a value the summary lacks', () => {
    expect(summarizeEvidence({ type: 'EVAL_RESULT', summary: { type: 'EVAL_RESULT' } })).toBe('/ · ? samples · ')
  })

  it('links to the audit entry by action and resource', () => {
    const audit = {
      action: 'fedmoe.evidence.ingested' as const,
      resourceType: 'expert_evidence' as const,
      resourceId: '11111111-1111-4111-8111-111111111111',
      seq: 4,
    }
    expect(auditLinkOf({ audit })).toEqual({
      path: '/audit',
      query: { action: 'fedmoe.evidence.ingested', resourceId: '11111111-1111-4111-8111-111111111111' },
    })
  })
})
