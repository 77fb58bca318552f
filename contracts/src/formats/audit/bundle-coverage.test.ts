import { beforeAll, describe, expect, it } from 'vitest'
import { AUDIT_BUNDLE_FORMAT_V1, describeCoverage, omittedTiles, verifyBundle } from './bundle'
import type { AuditBundle, BundleSummary, BundleVerification } from './bundle'
import { leafHash, toHex } from './hash'
import { makeEd25519Signer, makeMlDsa65Signer } from './test-fixtures'
import type { TestSigner } from './test-fixtures'
import { ORIGIN, buildLog, makeBundle } from './test-bundle'
import type { Log } from './test-bundle'

let signers: TestSigner[]
let log: Log
let full: AuditBundle
const failureOf = (result: BundleVerification) => (result.ok ? expect.unreachable('bundle verified') : result.failure)
const summaryOf = (result: BundleVerification): BundleSummary =>
  result.ok ? result.summary : expect.unreachable(result.failure.message)
const utf8 = (text: string) => new TextEncoder().encode(text)

/** Signs in only (the odd seqs), as the console's "auth." filter selects. */
const SIGN_INS = { stated: { action: 'auth.' }, matches: (b: { action: string }) => b.action.startsWith('auth.') }

beforeAll(async () => {
  signers = [makeEd25519Signer(ORIGIN), makeMlDsa65Signer(ORIGIN)]
  log = buildLog(313)
  full = await makeBundle({ log, signers, sizes: [200, 313], from: 0, to: 313 })
})

describe('a bundle without a filter holds every entry of its range', () => {
  it('verifies and says what was proven complete', async () => {
    const summary = summaryOf(await verifyBundle(full))
    expect(summary).toMatchObject({ entries: 313, range: { fromSeq: 0, toSeq: 313, treeSize: 313 }, leftOut: 0 })
    expect(describeCoverage(summary)).toBe('entries 0..312, complete, of tree size 313.')
  })

  const gaps: Array<[string, (b: AuditBundle) => void, number]> = [
    ['one in the middle', (b) => b.entries.splice(150, 1), 150],
    ['the last', (b) => b.entries.pop(), 312],
    ['all but the first 100', (b) => b.entries.splice(100), 100],
    ['all of them', (b) => b.entries.splice(0), 0],
  ]
  it.each(gaps)('refuses a bundle missing %s, naming the first missing seq', async (_name, remove, first) => {
    const bundle = structuredClone(full)
    remove(bundle)
    const failure = failureOf(await verifyBundle(bundle))
    expect(failure).toMatchObject({ kind: 'broken', subject: 'entry', seq: first, check: 'missing' })
    expect(failure.message).toBe(
      `entry ${first}: is missing: the bundle covers entries 0..312 of tree size 313 without a filter, so it must hold every one of them (check: missing)`,
    )
  })

  it('refuses a removed entry replaced by its leaf hash, as no filter left it out', async () => {
    const bundle = structuredClone(full)
    const [removed] = bundle.entries.splice(7, 1)
    bundle.omitted.unshift({ level: 0, index: 7, hash: toHex(leafHash(utf8(removed!.canonical))) })
    expect(failureOf(await verifyBundle(bundle))).toMatchObject({ seq: 7, check: 'missing' })
  })

  it('states the entries outside a narrower range', async () => {
    const head = await makeBundle({ log, signers, sizes: [313], from: 0, to: 300 })
    expect(describeCoverage(summaryOf(await verifyBundle(head)))).toBe(
      'entries 0..299, complete, of tree size 313: the 13 entries after 299 are not in this bundle.',
    )
    const middle = await makeBundle({ log, signers, sizes: [313], from: 1, to: 312 })
    expect(describeCoverage(summaryOf(await verifyBundle(middle)))).toBe(
      'entries 1..311, complete, of tree size 313: the 1 entry before 1 is not in this bundle; the 1 entry after 311 is not in this bundle.',
    )
    const empty = await makeBundle({ log, signers, sizes: [313], from: 5, to: 5 })
    expect(describeCoverage(summaryOf(await verifyBundle(empty)))).toBe(
      'no entries (an empty range at 5) of tree size 313: the 5 entries before 5 are not in this bundle; the 308 entries from 5 on are not in this bundle.',
    )
  })

  it('refuses a left-out hash that was changed, or one that is missing', async () => {
    const head = await makeBundle({ log, signers, sizes: [313], from: 0, to: 300 })
    const changed = structuredClone(head)
    changed.omitted[0]!.hash = '00'.repeat(32)
    expect(failureOf(await verifyBundle(changed))).toMatchObject({ subject: 'bundle', check: 'root' })
    const dropped = structuredClone(head)
    dropped.omitted.pop()
    expect(failureOf(await verifyBundle(dropped))).toMatchObject({ subject: 'bundle', check: 'coverage' })
  })
})

describe('a filtered bundle', () => {
  let filtered: AuditBundle
  beforeAll(async () => {
    filtered = await makeBundle({ log, signers, sizes: [313], from: 0, to: 313, filter: SIGN_INS })
  })

  it('says it is filtered, accounts for every left-out seq, and that it cannot prove they fall outside', async () => {
    expect(filtered.entries).toHaveLength(156)
    // Every left-out entry sits just before an included one: each is given by its leaf hash alone.
    expect(filtered.omitted.length).toBeLessThanOrEqual(157)
    const summary = summaryOf(await verifyBundle(filtered))
    expect(summary).toMatchObject({ entries: 156, leftOut: 157, filter: { action: 'auth.' } })
    expect(describeCoverage(summary)).toBe(
      'entries 0..312 of tree size 313, FILTERED (action=auth.): 156 included, 157 left out by the filter. ' +
        'Every entry of the range is accounted for by its leaf hash, but the contents of the left-out entries are ' +
        'not in this bundle, so it cannot prove that they fall outside the filter.',
    )
  })

  it('keeps long left-out runs to a few subtree hashes', async () => {
    const rare = {
      stated: { resourceId: 'pkg-200' },
      matches: (b: { resource: { id: string | null } }) => b.resource.id === 'pkg-200',
    }
    const bundle = await makeBundle({ log, signers, sizes: [313], from: 0, to: 313, filter: rare })
    expect(bundle.entries.map((e) => e.seq)).toEqual([200])
    expect(bundle.omitted.length).toBeLessThan(20)
    expect(summaryOf(await verifyBundle(bundle)).leftOut).toBe(312)
  })

  it('refuses an included entry that does not match the stated filter', async () => {
    const bundle = structuredClone(filtered)
    bundle.filter = { action: 'auth.', outcome: 'failure' }
    expect(failureOf(await verifyBundle(bundle))).toMatchObject({ subject: 'entry', seq: 1, check: 'filter' })
  })

  it('checks the prevHash link of each included entry against the left-out leaf before it', async () => {
    const bundle = structuredClone(filtered)
    const tile = bundle.omitted.find((t) => t.level === 0 && t.index === 40)!
    tile.hash = '11'.repeat(32)
    const failure = failureOf(await verifyBundle(bundle))
    expect(failure).toMatchObject({ subject: 'entry', seq: 41, check: 'chain' })
    expect(failure.message).toBe('entry 41: prevHash does not equal the leaf hash of entry 40 (check: chain)')
  })

  it('refuses a filter removed to pass left-out entries off as missing ones', async () => {
    const bundle = structuredClone(filtered)
    bundle.filter = null
    expect(failureOf(await verifyBundle(bundle))).toMatchObject({ seq: 0, check: 'missing' })
  })
})

describe('older and unknown formats', () => {
  it('refuses a v1 bundle, so that editing the format cannot skip the completeness check', async () => {
    const downgraded = structuredClone(full) as unknown as Record<string, unknown>
    downgraded.format = AUDIT_BUNDLE_FORMAT_V1
    delete downgraded.range
    delete downgraded.omitted
    downgraded.filter = {}
    ;(downgraded.entries as unknown[]).splice(150, 1)
    const failure = failureOf(await verifyBundle(downgraded))
    expect(failure).toMatchObject({ kind: 'format', subject: 'bundle', check: 'format' })
    expect(failure.message).toContain('does not state the range it covers')
    expect(failureOf(await verifyBundle({ ...full, format: 'tensorguardflow.audit-bundle/v3' }))).toMatchObject({
      kind: 'format',
      check: 'format',
    })
    expect(failureOf(await verifyBundle([1, 2]))).toMatchObject({ kind: 'format', check: 'format' })
  })
})

describe('omittedTiles', () => {
  it('covers exactly the leaves not included, within the range bounds, with the leaf before each entry alone', () => {
    for (const treeSize of [1, 2, 7, 16, 33, 100]) {
      for (const [fromSeq, toSeq] of [
        [0, treeSize],
        [1, treeSize - 1],
        [3, 3],
        [0, 0],
      ] as const) {
        if (fromSeq > toSeq || toSeq > treeSize || fromSeq < 0) continue
        const included = Array.from({ length: toSeq - fromSeq }, (_, i) => fromSeq + i).filter((s) => s % 5 === 2)
        const tiles = omittedTiles({ fromSeq, toSeq, treeSize }, included)
        const covered = new Array<number>(treeSize).fill(0)
        for (const seq of included) covered[seq]! += 1
        for (const { level, index } of tiles) {
          const [start, end] = [index * 2 ** level, (index + 1) * 2 ** level]
          expect(start < fromSeq && fromSeq < end).toBe(false)
          expect(start < toSeq && toSeq < end).toBe(false)
          for (let s = start; s < end; s++) covered[s]! += 1
        }
        expect(
          covered.every((c) => c === 1),
          `size ${treeSize} range ${fromSeq}..${toSeq}`,
        ).toBe(true)
        for (const seq of included.filter((s) => s > 0 && !included.includes(s - 1)))
          expect(tiles).toContainEqual({ level: 0, index: seq - 1 })
      }
    }
  })
})
