// Test-only: a log as the server keeps it (canonical entries and every completed subtree node)
// and honest bundles exported from it, for the verifier's tests.
import { expect } from 'vitest'
import { AUDIT_BUNDLE_FORMAT } from './bundle-schema'
import type { AuditBundle } from './bundle-schema'
import { omittedTiles } from './bundle-tiles'
import { canonicalEntryText } from './entry'
import type { AuditEntryBody } from './entry'
import type { AuditEntryFilter } from './filter'
import { leafHash, toBase64, toHex } from './hash'
import { appendLeaf, consistencyProofRanges, hashRange, inclusionProofRanges, rootFromFrontier } from './merkle'
import type { Frontier } from './merkle'
import { formatCheckpointBody, keyIdOf, signNoteBody } from './note'
import type { TestSigner } from './test-fixtures'

export const ORIGIN = 'audit.example/log'
const utf8 = (text: string) => new TextEncoder().encode(text)

/** Entry `seq`: actions alternate between a sign-in and a package publish. */
export function entryBody(seq: number, prevHash: string | null): AuditEntryBody {
  return {
    seq,
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    actor: { type: 'user', id: `u-${seq % 3}`, name: 'Ada' },
    action: seq % 2 === 0 ? 'package.publish' : 'auth.sign_in',
    resource: { type: 'package', id: `pkg-${seq}` },
    outcome: 'success',
    requestId: `req-${seq}`,
    clientIp: '203.0.113.7',
    details: { version: `1.0.${seq}`, note: 'é ✓' },
    prevHash,
  }
}

export function buildLog(size: number, tamper: (body: AuditEntryBody) => AuditEntryBody = (b) => b) {
  const canonicals: string[] = []
  const bodies: AuditEntryBody[] = []
  const nodes = new Map<string, Uint8Array>()
  const roots = [rootFromFrontier([])]
  let frontier: Frontier = []
  let prevHash: string | null = null
  for (let seq = 0; seq < size; seq++) {
    const body = tamper(entryBody(seq, prevHash))
    const text = canonicalEntryText(body)
    const leaf = leafHash(utf8(text))
    const appended = appendLeaf(frontier, seq, leaf)
    for (const node of appended.completed) nodes.set(`${node.level}/${node.index}`, node.hash)
    frontier = appended.frontier
    roots.push(rootFromFrontier(frontier))
    canonicals.push(text)
    bodies.push(body)
    prevHash = toHex(leaf)
  }
  const getNode = (level: number, index: number) => nodes.get(`${level}/${index}`) ?? expect.unreachable()
  const proofOf = (ranges: { start: number; end: number }[]) => ranges.map((r) => toHex(hashRange(r, getNode)))
  return {
    canonicals,
    bodies,
    getNode,
    rootAt: (treeSize: number) => roots[treeSize]!,
    inclusion: (seq: number, treeSize: number) => proofOf(inclusionProofRanges(seq, treeSize)),
    consistency: (from: number, to: number) => proofOf(consistencyProofRanges(from, to)),
  }
}
export type Log = ReturnType<typeof buildLog>

export async function checkpointNote(log: Log, treeSize: number, signers: TestSigner[], origin = ORIGIN) {
  return signNoteBody(
    formatCheckpointBody({ origin, treeSize, rootHash: log.rootAt(treeSize), extensions: [] }),
    signers,
  )
}

export type BundleOptions = {
  log: Log
  signers: TestSigner[]
  sizes?: number[]
  from?: number
  to?: number
  /** The filter the bundle states, and the test that selects its entries. */
  filter?: { stated: AuditEntryFilter; matches: (body: AuditEntryBody) => boolean }
}

/** The bundle an honest server exports for the range [from, to) of the last checkpoint. */
export async function makeBundle(options: BundleOptions): Promise<AuditBundle> {
  const { log, signers, sizes = [5, 12], from = 2, to = 10, filter } = options
  const head = sizes[sizes.length - 1]!
  const seqs = Array.from({ length: to - from }, (_, i) => from + i).filter(
    (seq) => !filter || filter.matches(log.bodies[seq]!),
  )
  const range = { fromSeq: from, toSeq: to, treeSize: head }
  return {
    format: AUDIT_BUNDLE_FORMAT,
    origin: ORIGIN,
    createdAt: '2026-01-02T00:00:00.000Z',
    range,
    filter: filter?.stated ?? null,
    publicKeys: signers.map(({ key }) => ({
      name: key.name,
      algorithm: key.algorithm,
      publicKey: toBase64(key.publicKey),
      keyId: toHex(keyIdOf(key)),
      status: 'active' as const,
    })),
    checkpoints: await Promise.all(sizes.map(async (size) => ({ note: await checkpointNote(log, size, signers) }))),
    consistency: sizes
      .slice(1)
      .map((toSize, i) => ({ fromSize: sizes[i]!, toSize, proof: log.consistency(sizes[i]!, toSize) })),
    entries: seqs.map((seq) => ({ seq, canonical: log.canonicals[seq]!, proof: log.inclusion(seq, head) })),
    omitted: omittedTiles(range, seqs).map(({ level, index }) => ({
      level,
      index,
      hash: toHex(log.getNode(level, index)),
    })),
  }
}
