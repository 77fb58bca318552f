import { describe, expect, it } from 'vitest'
import { canonicalEntryText } from './entry'
import type { AuditEntryBody } from './entry'
import { bytesEqual, leafHash, toHex } from './hash'
import { merkleRoot } from './merkle'
import { LogReplay, verifyChunk } from './replay'

const encoder = new TextEncoder()

function makeLog(n: number): string[] {
  const texts: string[] = []
  let prev: string | null = null
  for (let seq = 0; seq < n; seq++) {
    const body: AuditEntryBody = {
      seq,
      time: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
      actor: { type: 'user', id: `u${seq % 7}`, name: `user${seq % 7}` },
      action: 'admin.user_updated',
      resource: { type: 'user', id: `r${seq}` },
      outcome: 'success',
      requestId: `req-${seq}`,
      clientIp: '10.0.0.1',
      details: { n: seq },
      prevHash: prev,
    }
    const text = canonicalEntryText(body)
    texts.push(text)
    prev = toHex(leafHash(encoder.encode(text)))
  }
  return texts
}

describe('replaying the whole log', () => {
  const log = makeLog(37)

  it('recomputes the root of an intact log', () => {
    const replay = new LogReplay()
    log.forEach((text, seq) => expect(replay.push(seq, text)).toBeNull())
    expect(bytesEqual(replay.root(), merkleRoot(log.map((t) => leafHash(encoder.encode(t)))))).toBe(true)
  })

  it('names a missing entry, a broken chain and a misplaced entry', () => {
    const missing = new LogReplay()
    log.slice(0, 5).forEach((t, seq) => missing.push(seq, t))
    expect(missing.push(6, log[6] as string)).toMatchObject({ seq: 5, check: 'missing' })

    const edited = new LogReplay()
    const tampered = log.map((t, seq) => (seq === 9 ? t.replace('user2', 'mallory') : t))
    const failure = tampered.map((t, seq) => edited.push(seq, t)).find(Boolean)
    expect(failure).toMatchObject({ seq: 10, check: 'chain' })

    const swapped = new LogReplay()
    const order = [...log]
    ;[order[3], order[4]] = [order[4] as string, order[3] as string]
    expect(order.map((t, seq) => swapped.push(seq, t)).find(Boolean)).toMatchObject({ seq: 3, check: 'seq' })
  })
})

describe('replaying in chunks', () => {
  const log = makeLog(1000)
  const expected = merkleRoot(log.map((t) => leafHash(encoder.encode(t))))

  it('gives the same root for any chunking, including unaligned chunks', () => {
    for (const size of [1, 7, 64, 100, 256, 999]) {
      const replay = new LogReplay()
      for (let start = 0; start < log.length; start += size) {
        const leaves = log.slice(start, start + size).map((canonical, i) => ({ seq: start + i, canonical }))
        expect(replay.pushChunk(verifyChunk(start, leaves))).toBeNull()
      }
      expect(bytesEqual(replay.root(), expected), `chunks of ${size}`).toBe(true)
    }
  })

  it('names a broken link across a chunk boundary and a gap inside a chunk', () => {
    const replay = new LogReplay()
    replay.pushChunk(
      verifyChunk(
        0,
        log.slice(0, 10).map((canonical, seq) => ({ seq, canonical })),
      ),
    )
    const edited = log[9]?.replace('user2', 'mallory') ?? ''
    const other = new LogReplay()
    const first = log.slice(0, 10).map((canonical, seq) => ({ seq, canonical: seq === 9 ? edited : canonical }))
    other.pushChunk(verifyChunk(0, first))
    const second = log.slice(10, 20).map((canonical, i) => ({ seq: 10 + i, canonical }))
    expect(other.pushChunk(verifyChunk(10, second))).toMatchObject({ seq: 10, check: 'chain' })
    const gap = log
      .slice(10, 20)
      .map((canonical, i) => ({ seq: 10 + i, canonical }))
      .filter((l) => l.seq !== 13)
    expect(replay.pushChunk(verifyChunk(10, gap))).toMatchObject({ seq: 13, check: 'missing' })
  })
})

describe('reading the link fields', () => {
  it('is not fooled by details that hold their own seq and prevHash, or quotes in strings', () => {
    const first = canonicalEntryText({
      seq: 0,
      time: '2026-01-01T00:00:00.000Z',
      actor: { type: 'system', id: null, name: 'x' },
      action: 'test.tricky',
      resource: { type: 'note', id: 'a "seq":7, "prevHash":"00"' },
      outcome: 'success',
      requestId: null,
      clientIp: null,
      details: { seq: 99, prevHash: 'f'.repeat(64), text: '"seq":5' },
      prevHash: null,
    })
    const second = canonicalEntryText({
      ...(JSON.parse(first) as AuditEntryBody),
      seq: 1,
      prevHash: toHex(leafHash(encoder.encode(first))),
    })
    const replay = new LogReplay()
    expect(replay.push(0, first)).toBeNull()
    expect(replay.push(1, second)).toBeNull()
  })
})
