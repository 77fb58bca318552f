import { canonicalEntryText } from '@tg/contracts/formats/audit'
import { describe, expect, it } from 'vitest'
import { RowVerifier } from './rows'
import type { TrustedRoot } from './rows'
import { TestLog } from './test-log'
import type { RowResult } from './types'

const log = new TestLog(20)
const rootOf = (size: number): TrustedRoot => ({ treeSize: size, rootHash: log.root(size) })
const verified = (size: number) => new RowVerifier({ kind: 'verified', root: rootOf(size) })
const states = (results: RowResult[]) => Object.fromEntries(results.map((r) => [r.seq, r.state]))
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i)

describe('row verification', () => {
  it('verifies every row whose inclusion proof leads to the verified root', () => {
    const results = verified(16).verify(log.rows(range(0, 16).reverse(), 16))
    expect(results).toHaveLength(16)
    expect(results.every((r) => r.state === 'verified' && r.failures.length === 0 && r.treeSize === 16)).toBe(true)
  })

  it('fails exactly the row whose canonical text was changed, and names it', () => {
    const rows = log.rows(range(0, 16), 16)
    rows[7] = { ...rows[7]!, canonical: rows[7]!.canonical.replace('"name":"admin"', '"name":"mallory"') }
    const results = verified(16).verify(rows)
    const failed = results.filter((r) => r.state === 'failed')
    expect(failed.map((r) => r.seq)).toEqual([7])
    expect(failed[0]!.failures).toEqual([
      expect.objectContaining({ check: 'inclusion', seq: 7, message: expect.stringContaining('Entry 7') }),
    ])
    expect(results.filter((r) => r.state === 'verified')).toHaveLength(15)
  })

  it('fails the row whose proof lost a hash', () => {
    const rows = log.rows(range(0, 16), 16)
    rows[3] = { ...rows[3]!, proof: { treeSize: 16, hashes: rows[3]!.proof!.hashes.slice(1) } }
    const results = verified(16).verify(rows)
    expect(states(results)[3]).toBe('failed')
    expect(results.find((r) => r.seq === 3)!.failures[0]).toMatchObject({ check: 'inclusion', seq: 3 })
    expect(results.find((r) => r.seq === 3)!.failures[0]!.message).toMatch(/3 hashes, 4 expected/)
    expect(results.filter((r) => r.state === 'failed')).toHaveLength(1)
  })

  it('fails a row served under another seq than its signed text says', () => {
    const [row] = log.rows([4], 16)
    const results = verified(16).verify([{ ...row!, canonical: log.canonicals[5]! }])
    expect(results[0]!.state).toBe('failed')
    expect(results[0]!.failures.map((f) => f.check)).toContain('seq')
  })

  it('fails text that is not in canonical form, naming both the form and the inclusion', () => {
    const [row] = log.rows([2], 16)
    const spaced = JSON.stringify(JSON.parse(row!.canonical), null, 1)
    const results = verified(16).verify([{ ...row!, canonical: spaced }])
    expect(results[0]!.state).toBe('failed')
    expect(results[0]!.failures.map((f) => f.check)).toEqual(['canonical', 'inclusion'])
    // Without a verified checkpoint, the text alone already fails the row.
    const alone = new RowVerifier({ kind: 'unverified', reason: 'No checkpoint.' }).verify([
      { ...row!, canonical: spaced },
    ])
    expect(alone[0]).toMatchObject({ state: 'failed', failures: [expect.objectContaining({ check: 'canonical' })] })
  })

  it('keeps rows newer than the checkpoint pending, and says why', () => {
    const results = verified(16).verify(log.rows([17, 16, 15], 16))
    expect(states(results)).toEqual({ 15: 'verified', 16: 'pending', 17: 'pending' })
    expect(results.find((r) => r.seq === 16)!.pendingReason).toMatch(/Not yet covered by a signed checkpoint/)
  })

  it('fails a row that the checkpoint covers but that comes without a proof', () => {
    const results = verified(16).verify([{ seq: 3, canonical: log.canonicals[3]!, proof: null }])
    expect(results[0]!.state).toBe('failed')
  })

  it('checks prevHash links across batches, whichever page arrives first', () => {
    // Entry 10 was sequenced with a wrong prevHash: it is in the signed tree, but the chain breaks.
    const broken = new TestLog(20, (body) => (body.seq === 10 ? { ...body, prevHash: 'ab'.repeat(32) } : body))
    const verifier = new RowVerifier({ kind: 'verified', root: { treeSize: 20, rootHash: broken.root(20) } })
    const newest = verifier.verify(broken.rows(range(10, 20).reverse(), 20))
    expect(newest.every((r) => r.state === 'verified')).toBe(true)
    const older = verifier.verify(broken.rows(range(0, 10).reverse(), 20))
    expect(older.filter((r) => r.state === 'failed').map((r) => r.seq)).toEqual([10])
    expect(older.find((r) => r.seq === 10)!.failures[0]).toMatchObject({ check: 'chain', seq: 10 })
    expect(older.filter((r) => r.seq < 10).every((r) => r.state === 'verified')).toBe(true)
  })

  it('does not blame the next entry for a tampered predecessor', () => {
    const rows = log.rows([5, 6], 16)
    rows[0] = { ...rows[0]!, canonical: rows[0]!.canonical.replace('request-5', 'request-X') }
    expect(states(verified(16).verify(rows))).toEqual({ 5: 'failed', 6: 'verified' })
  })

  it('fails rows proven against a checkpoint that failed, and keeps them pending while untrusted', () => {
    const rows = log.rows([3, 17], 16)
    const failed = new RowVerifier({ kind: 'failed', reason: 'the checkpoint failed.' }).verify(rows)
    expect(states(failed)).toEqual({ 3: 'failed', 17: 'pending' })
    const untrusted = new RowVerifier({ kind: 'unverified', reason: 'Untrusted keys.' }).verify(rows)
    expect(states(untrusted)).toEqual({ 3: 'pending', 17: 'pending' })
    expect(untrusted[0]!.pendingReason).toBe('Untrusted keys.')
  })

  it('never verifies a row against a root it was not given', () => {
    const other = new TestLog(16, (body) => ({ ...body, outcome: 'denied' }))
    const results = verified(16).verify(other.rows(range(0, 16), 16))
    expect(results.every((r) => r.state === 'failed')).toBe(true)
  })

  it('verifies the genesis rule: entry 0 has no prevHash, every later entry has one', () => {
    const text = canonicalEntryText({ ...JSON.parse(log.canonicals[0]!), prevHash: 'cd'.repeat(32) })
    const results = verified(16).verify([
      { seq: 0, canonical: text, proof: { treeSize: 16, hashes: log.inclusion(0, 16) } },
    ])
    expect(results[0]!.failures.map((f) => f.check)).toEqual(expect.arrayContaining(['chain', 'inclusion']))
  })
})
