import { beforeAll, describe, expect, it } from 'vitest'
import { verifyBundle, type AuditBundle, type BundleVerification } from './bundle'
import { canonicalEntryText, type AuditEntryBody } from './entry'
import { toHex } from './hash'
import { keyIdOf } from './note'
import { breakSigner, makeEd25519Signer, makeMlDsa65Signer, type TestSigner } from './test-fixtures'
import { ORIGIN, buildLog, checkpointNote as noteOf, makeBundle as bundleOf, type Log } from './test-bundle'

let ed: TestSigner
let pq: TestSigner

const checkpointNote = (log: Log, treeSize: number, signers = [ed, pq]) => noteOf(log, treeSize, signers)
const makeBundle = (
  options: { log?: Log; sizes?: number[]; from?: number; to?: number; signers?: TestSigner[] } = {},
) => bundleOf({ log: options.log ?? buildLog(12), signers: options.signers ?? [ed, pq], ...options })

const failureOf = (result: BundleVerification) => (result.ok ? expect.unreachable('bundle verified') : result.failure)

describe('verifyBundle', () => {
  let honest: AuditBundle
  const copy = () => structuredClone(honest)

  beforeAll(async () => {
    ed = makeEd25519Signer(ORIGIN)
    pq = makeMlDsa65Signer(ORIGIN)
    honest = await makeBundle()
  })

  it('verifies an untouched bundle, self-certified by its own keys', async () => {
    const result = await verifyBundle(JSON.parse(JSON.stringify(honest)))
    expect(result).toEqual({
      ok: true,
      summary: {
        entries: 8,
        checkpoints: 2,
        treeSize: 12,
        origin: ORIGIN,
        selfCertified: true,
        keys: [
          { name: ORIGIN, algorithm: 'ed25519', keyId: toHex(keyIdOf(ed.key)) },
          { name: ORIGIN, algorithm: 'ml-dsa-65', keyId: toHex(keyIdOf(pq.key)) },
        ],
        range: { fromSeq: 2, toSeq: 10, treeSize: 12 },
        filter: null,
        leftOut: 0,
      },
    })
  })

  it('verifies against pinned keys and then is not self-certified', async () => {
    const result = await verifyBundle(honest, { trustedKeys: [ed.key, pq.key] })
    expect(result.ok && result.summary.selfCertified).toBe(false)
  })

  it('verifies a bundle from the first entry, with one checkpoint and no entries', async () => {
    expect((await verifyBundle(await makeBundle({ sizes: [12], from: 0, to: 12 }))).ok).toBe(true)
    expect((await verifyBundle(await makeBundle({ sizes: [1, 2, 12], from: 3, to: 3 }))).ok).toBe(true)
  })

  it('names an edited entry text (same shape, still canonical)', async () => {
    const bundle = copy()
    bundle.entries[3]!.canonical = bundle.entries[3]!.canonical.replace('"success"', '"denied"')
    expect(failureOf(await verifyBundle(bundle))).toEqual({
      kind: 'broken',
      subject: 'entry',
      seq: 5,
      check: 'inclusion',
      message: 'entry 5: inclusion proof does not lead to the checkpoint root (check: inclusion)',
    })
  })

  it('names an entry text that is not in canonical form', async () => {
    const bundle = copy()
    bundle.entries[2]!.canonical = bundle.entries[2]!.canonical.replace('{', '{ ')
    expect(failureOf(await verifyBundle(bundle))).toMatchObject({ subject: 'entry', seq: 4, check: 'canonical' })
  })

  it('names the first of two tampered entries', async () => {
    const bundle = copy()
    bundle.entries[5]!.proof.reverse()
    bundle.entries[1]!.canonical = bundle.entries[1]!.canonical.replace('Ada', 'Eve')
    expect(failureOf(await verifyBundle(bundle))).toMatchObject({ seq: 3, check: 'inclusion' })
  })

  it('names two swapped entries', async () => {
    const reordered = copy()
    ;[reordered.entries[4], reordered.entries[5]] = [reordered.entries[5]!, reordered.entries[4]!]
    expect(failureOf(await verifyBundle(reordered))).toMatchObject({ subject: 'entry', seq: 6, check: 'order' })
    const swappedTexts = copy()
    const [a, b] = [swappedTexts.entries[4]!, swappedTexts.entries[5]!]
    ;[a.canonical, b.canonical] = [b.canonical, a.canonical]
    expect(failureOf(await verifyBundle(swappedTexts))).toMatchObject({ subject: 'entry', seq: 6, check: 'seq' })
  })

  it('names a rewritten prevHash', async () => {
    const bundle = copy()
    const body = JSON.parse(bundle.entries[4]!.canonical) as AuditEntryBody
    bundle.entries[4]!.canonical = canonicalEntryText({ ...body, prevHash: 'ab'.repeat(32) })
    expect(failureOf(await verifyBundle(bundle))).toMatchObject({ subject: 'entry', seq: 6, check: 'inclusion' })
  })

  it('names a broken prevHash chain even when the log itself signed it', async () => {
    const log = buildLog(12, (b) => (b.seq === 7 ? { ...b, prevHash: '00'.repeat(32) } : b))
    const failure = failureOf(await verifyBundle(await makeBundle({ log, sizes: [12] })))
    expect(failure).toMatchObject({ subject: 'entry', seq: 7, check: 'chain' })
    expect(failure.message).toBe('entry 7: prevHash does not equal the leaf hash of entry 6 (check: chain)')
    const unchained = buildLog(12, (b) => (b.seq === 4 ? { ...b, prevHash: null } : b))
    expect(failureOf(await verifyBundle(await makeBundle({ log: unchained, sizes: [12] })))).toMatchObject({
      seq: 4,
      check: 'chain',
    })
  })

  it('names a checkpoint forged with another key', async () => {
    const forgers = [makeEd25519Signer(ORIGIN), makeMlDsa65Signer(ORIGIN)]
    const bundle = copy()
    bundle.checkpoints[1]!.note = await checkpointNote(buildLog(12), 12, forgers)
    expect(failureOf(await verifyBundle(bundle))).toMatchObject({
      subject: 'checkpoint',
      treeSize: 12,
      check: 'untrusted',
    })
    // Replacing the keys as well fools only a self-certified check: pinned keys catch it.
    const forged = await makeBundle({ signers: forgers })
    expect(await verifyBundle(forged)).toMatchObject({ ok: true, summary: { selfCertified: true } })
    expect(failureOf(await verifyBundle(forged, { trustedKeys: [ed.key, pq.key] }))).toMatchObject({
      check: 'untrusted',
    })
  })

  it('names a broken Ed25519 or ML-DSA-65 signature', async () => {
    const log = buildLog(12)
    const brokenEd = copy()
    brokenEd.checkpoints[0]!.note = await checkpointNote(log, 5, [breakSigner(ed), pq])
    expect(failureOf(await verifyBundle(brokenEd))).toMatchObject({
      subject: 'checkpoint',
      treeSize: 5,
      check: 'signature-ed25519',
    })
    const brokenPq = copy()
    brokenPq.checkpoints[1]!.note = await checkpointNote(log, 12, [ed, breakSigner(pq)])
    const failure = failureOf(await verifyBundle(brokenPq))
    expect(failure).toMatchObject({ subject: 'checkpoint', treeSize: 12, check: 'signature-ml-dsa-65' })
    expect(failure.message).toMatch(/^checkpoint 2 of 2 \(tree size 12\): ML-DSA-65 signature by .* does not verify/)
    const edOnly = copy()
    edOnly.checkpoints[1]!.note = await checkpointNote(log, 12, [ed])
    expect(failureOf(await verifyBundle(edOnly))).toMatchObject({ treeSize: 12, check: 'signature-ml-dsa-65' })
  })

  it('names a rewritten history (second checkpoint not consistent with the first)', async () => {
    const rewritten = buildLog(12, (b) => (b.seq === 3 ? { ...b, outcome: 'failure' } : b))
    const bundle = await makeBundle({ log: rewritten })
    bundle.checkpoints[0] = honest.checkpoints[0]!
    const failure = failureOf(await verifyBundle(bundle))
    expect(failure).toMatchObject({ subject: 'consistency', treeSize: 12, check: 'consistency' })
    expect(failure.message).toBe(
      'consistency 5 -> 12: the tree of size 12 does not extend the tree of size 5 (check: consistency)',
    )
  })

  it('names proofs with too many or too few hashes', async () => {
    const extraEntryHash = copy()
    extraEntryHash.entries[0]!.proof.push('00'.repeat(32))
    expect(failureOf(await verifyBundle(extraEntryHash))).toMatchObject({ seq: 2, check: 'inclusion' })
    const missingEntryHash = copy()
    missingEntryHash.entries[7]!.proof.pop()
    expect(failureOf(await verifyBundle(missingEntryHash))).toMatchObject({ seq: 9, check: 'inclusion' })
    const extraConsistencyHash = copy()
    extraConsistencyHash.consistency[0]!.proof.push('00'.repeat(32))
    expect(failureOf(await verifyBundle(extraConsistencyHash))).toMatchObject({
      subject: 'consistency',
      check: 'consistency',
    })
    const missingConsistencyHash = copy()
    missingConsistencyHash.consistency[0]!.proof.shift()
    expect(failureOf(await verifyBundle(missingConsistencyHash))).toMatchObject({
      subject: 'consistency',
      check: 'consistency',
    })
  })

  it('names the checkpoint chain before the entries', async () => {
    const bundle = copy()
    bundle.entries[0]!.canonical = 'tampered'
    bundle.consistency = []
    expect(failureOf(await verifyBundle(bundle))).toMatchObject({ subject: 'consistency', check: 'count' })
  })

  it('names structural problems', async () => {
    const cases: Array<[string, (b: AuditBundle) => void, object]> = [
      ['format', (b) => Object.assign(b, { format: 'v0' }), { kind: 'format', subject: 'bundle', check: 'format' }],
      ['proof hex', (b) => (b.entries[0]!.proof[0] = 'xyz'), { kind: 'format', subject: 'bundle', check: 'schema' }],
      ['no range', (b) => Object.assign(b, { range: undefined }), { kind: 'format', check: 'schema' }],
      ['key id', (b) => (b.publicKeys[0]!.keyId = '00000000'), { subject: 'bundle', check: 'public-key' }],
      ['key bytes', (b) => (b.publicKeys[1]!.publicKey = 'AAAA'), { subject: 'bundle', check: 'public-key' }],
      ['origin', (b) => (b.origin = 'other.example/log'), { subject: 'checkpoint', treeSize: 5, check: 'origin' }],
      ['order', (b) => b.checkpoints.reverse(), { subject: 'checkpoint', treeSize: 5, check: 'order' }],
      ['sizes', (b) => (b.consistency[0]!.fromSize = 4), { subject: 'consistency', check: 'sizes' }],
      ['seq', (b) => b.entries.push({ ...b.entries[0]!, seq: 12 }), { subject: 'entry', seq: 12, check: 'seq' }],
      ['range size', (b) => (b.range.treeSize = 11), { subject: 'bundle', check: 'range' }],
      ['range end', (b) => (b.range.toSeq = 13), { subject: 'bundle', check: 'range' }],
      ['range order', (b) => (b.range.fromSeq = 11), { subject: 'bundle', check: 'range' }],
      ['shrunk range', (b) => (b.range.toSeq = 9), { subject: 'entry', seq: 9, check: 'range' }],
    ]
    for (const [name, mutate, expected] of cases) {
      const bundle = copy()
      mutate(bundle)
      expect(failureOf(await verifyBundle(bundle)), name).toMatchObject(expected)
    }
    expect(failureOf(await verifyBundle('not json'))).toMatchObject({ kind: 'format', check: 'format' })
  })

  it('names an entry beyond the checkpoint', async () => {
    const log = buildLog(14)
    const bundle = await makeBundle({ log, sizes: [12], from: 10, to: 12 })
    bundle.entries.push({ seq: 12, canonical: log.canonicals[12]!, proof: [] })
    expect(failureOf(await verifyBundle(bundle))).toMatchObject({ subject: 'entry', seq: 12, check: 'range' })
  })
})
