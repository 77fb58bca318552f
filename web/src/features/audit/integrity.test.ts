import { describe, expect, it } from 'vitest'
import { summarizeIntegrity } from './integrity'
import type { LogPhase } from './use-audit-verifier'
import type { LogVerification, RowResult } from './verify/types'

const log = (state: LogVerification['state'], extra: Partial<LogVerification> = {}): LogPhase => ({
  phase: 'done',
  log: {
    state,
    trust: { mode: 'tofu', trusted: [], newKeys: [], originChangedFrom: null, invalidKeys: [] },
    checkpoint: { origin: 'o', treeSize: 10, rootHash: 'r', note: 'n', createdAt: '', verifiedBy: [] },
    consistency: { state: 'verified', fromSize: 5, toSize: 10, message: 'extends' },
    failures: [],
    remember: { trust: null, checkpoint: null },
    backends: { ed25519: 'noble', 'ml-dsa-65': 'noble' },
    elapsedMs: 1,
    ...extra,
  },
})
const row = (seq: number, state: RowResult['state'], check?: string): RowResult => ({
  seq,
  state,
  failures: check ? [{ check, seq, message: `Entry ${seq}: ${check} failed.` }] : [],
  pendingReason: null,
  leafHash: '00',
  treeSize: 10,
})
const rows = (...list: RowResult[]) => new Map(list.map((r) => [r.seq, r]))

describe('the integrity banner', () => {
  it('is verified only when the log verified and every loaded row has a result and none failed', () => {
    expect(summarizeIntegrity(log('verified'), rows(row(1, 'verified'), row(2, 'verified')), 2).state).toBe('verified')
    expect(summarizeIntegrity(log('verified'), rows(row(1, 'verified')), 2).state).toBe('pending')
    expect(summarizeIntegrity(log('verified'), rows(), null).state).toBe('pending')
    expect(summarizeIntegrity({ phase: 'verifying' }, rows(), 0).state).toBe('pending')
  })

  it('fails when one row fails, naming that entry and its check', () => {
    const summary = summarizeIntegrity(log('verified'), rows(row(1, 'verified'), row(2, 'failed', 'inclusion')), 2)
    expect(summary.state).toBe('failed')
    expect(summary.failures).toEqual([{ check: 'inclusion', seq: 2, message: 'Entry 2: inclusion failed.' }])
  })

  it('puts log failures first, and tells untrusted keys apart from failures', () => {
    const failures = [{ check: 'consistency', message: 'rewritten' }]
    const failed = summarizeIntegrity(log('failed', { failures }), rows(row(3, 'failed', 'checkpoint')), 1)
    expect(failed.failures.map((f) => f.check)).toEqual(['consistency', 'checkpoint'])
    expect(summarizeIntegrity(log('untrusted'), rows(), 0).state).toBe('untrusted')
    expect(summarizeIntegrity(log('unchecked'), rows(), 0).state).toBe('pending')
  })

  it('says when verification could not run or no checkpoint exists, without claiming anything', () => {
    expect(summarizeIntegrity({ phase: 'error', message: 'worker failed' }, rows(), 0)).toMatchObject({
      state: 'pending',
      message: 'worker failed',
    })
    expect(summarizeIntegrity({ phase: 'no-checkpoint' }, rows(row(0, 'pending')), 1).state).toBe('pending')
  })
})

describe('the integrity banner over missing entries', () => {
  const gaps = (first: number, last: number, isFiltered = false) => ({
    spans: [{ first, last }],
    first,
    isFiltered,
  })

  it('never says verified over a gap, and names the first missing seq', () => {
    const shown = rows(row(9, 'verified'), row(8, 'verified'), row(4, 'verified'))
    const summary = summarizeIntegrity(log('verified'), shown, 3, gaps(5, 7))
    expect(summary.state).toBe('failed')
    expect(summary.title).toBe('The audit log is missing entries')
    expect(summary.message).toContain('Entry 5 is the first missing entry')
    expect(summary.failures).toEqual([
      {
        check: 'missing',
        seq: 5,
        message:
          'Entries 5–7 are missing: the rows shown must run without a hole up to checkpoint 10, and the server did not serve it.',
      },
    ])
  })

  it('says a filtered view is filtered, and fails on what the server reports missing in it', () => {
    const shown = rows(row(9, 'verified'), row(3, 'verified'))
    const none = { spans: [], first: null, isFiltered: true }
    expect(summarizeIntegrity(log('verified'), shown, 2, none).message).toContain('left out by the filter')
    const failed = summarizeIntegrity(log('verified'), shown, 2, gaps(6, 6, true))
    expect(failed.state).toBe('failed')
    expect(failed.failures[0]?.message).toBe(
      'Entry 6 is missing: the server reports that its log does not hold it, so it is not filtered out but missing.',
    )
  })
})
