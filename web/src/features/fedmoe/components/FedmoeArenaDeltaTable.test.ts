import type { ArenaComparison } from '@tg/contracts'
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import FedmoeArenaDeltaTable from './FedmoeArenaDeltaTable.vue'

const A = '11111111-1111-4111-8111-111111111111'
const B = '22222222-2222-4222-8222-222222222222'
const C = '33333333-3333-4333-8333-333333333333'
const version = (
  versionId: string,
  v: string,
  nSamples: number,
  value: number,
  delta: ArenaComparison['versions'][number]['deltas'][string],
) => ({
  versionId,
  version: v,
  status: 'validated' as const,
  nSamples,
  evidenceId: null,
  metrics: { success_rate: value },
  normalised: { success_rate: 0.5 },
  deltas: { success_rate: delta },
})

const ARENA: ArenaComparison = {
  benchmark: 'libero-long',
  baselineVersionId: A,
  metrics: ['success_rate'],
  versions: [
    version(A, '1.0.0', 12000, 0.8, null),
    version(B, '1.1.0', 12, 0.9, { delta: 0.1, samples: 12, baselineSamples: 12000, significant: false }),
    version(C, '1.2.0', 10000, 0.85, { delta: 0.05, samples: 10000, baselineSamples: 12000, significant: true }),
  ],
}

describe('arena delta table', () => {
  it('shows each delta beside both sample counts, and marks few samples next to a significant one', () => {
    const wrapper = mount(FedmoeArenaDeltaTable, { props: { arena: ARENA } })
    const rows = wrapper.findAll('[data-testid="arena-delta-row"]')
    expect(rows.map((row) => row.attributes('data-version'))).toEqual(['1.0.0', '1.1.0', '1.2.0'])
    const text = (row: number, id: string) => rows[row]?.find(`[data-testid="${id}"]`).text()
    expect(text(0, 'arena-samples')).toBe('12,000 samples')
    expect(text(0, 'arena-mark')).toBe('baseline')
    expect(rows[0]?.find('[data-testid="arena-delta"]').exists()).toBe(false)
    expect(text(1, 'arena-delta')).toBe('+0.1')
    expect(text(1, 'arena-delta-samples')).toBe('n=12 vs 12,000')
    expect(text(1, 'arena-mark')).toBe('few samples')
    expect(text(2, 'arena-delta')).toBe('+0.05')
    expect(text(2, 'arena-mark')).toBe('significant')
  })
})
