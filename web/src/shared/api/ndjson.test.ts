import { streamAuditLeavesRoute } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import { readNdjson } from './ndjson'

const MEDIA = 'application/x-ndjson'
type Line = { seq: number }
const isLine = (v: unknown): v is Line => typeof v === 'object' && v !== null && typeof (v as Line).seq === 'number'

/** A response whose body arrives in the given pieces (split anywhere, even inside a line). */
function answer(pieces: string[], init: ResponseInit = { headers: { 'Content-Type': MEDIA } }) {
  const encoder = new TextEncoder()
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(encoder.encode(piece))
      controller.close()
    },
  })
  return async () => new Response(body, init)
}

async function read(fetch: () => Promise<Response>) {
  const seen: Line[][] = []
  await readNdjson(streamAuditLeavesRoute, {
    query: { start: 0, end: 10 },
    mediaType: MEDIA,
    isItem: isLine,
    onItems: (items) => seen.push(items),
    fetch,
    baseUrl: 'http://console.test',
  })
  return seen
}

describe('readNdjson', () => {
  it('hands over every line in order, as the pieces arrive, whatever the split', async () => {
    const seen = await read(answer(['{"seq":0}\n{"se', 'q":1}\n', '{"seq":2}\n{"seq":3}\n']))
    expect(seen).toEqual([[{ seq: 0 }], [{ seq: 1 }], [{ seq: 2 }, { seq: 3 }]])
  })

  it('asks for the route with its query', async () => {
    let url = ''
    await readNdjson(streamAuditLeavesRoute, {
      query: { start: 4, end: 9 },
      mediaType: MEDIA,
      isItem: isLine,
      onItems: () => undefined,
      fetch: async (request) => {
        url = request.url
        return new Response('', { headers: { 'Content-Type': MEDIA } })
      },
      baseUrl: 'http://console.test',
    })
    expect(url).toBe('http://console.test/api/v1/audit/leaves/stream?start=4&end=9')
  })

  it('throws the error envelope of an error status as an ApiError', async () => {
    const envelope = { error: { code: 'FORBIDDEN', message: 'Needs the auditor role.', requestId: 'r-1' } }
    const forbidden = answer([JSON.stringify(envelope)], {
      status: 403,
      headers: { 'Content-Type': 'application/json' },
    })
    await expect(read(forbidden)).rejects.toMatchObject({ name: 'ApiError', status: 403, code: 'FORBIDDEN' })
  })

  it('refuses a line that is not JSON, not of its shape, a cut-off last line and another media type', async () => {
    const violation = { name: 'ApiError', code: 'CONTRACT_VIOLATION' }
    await expect(read(answer(['{"seq":0}\nnot json\n']))).rejects.toMatchObject(violation)
    await expect(read(answer(['{"seq":"0"}\n']))).rejects.toMatchObject(violation)
    await expect(read(answer(['{"seq":0}\n{"seq":1}']))).rejects.toMatchObject(violation)
    const html = answer(['{"seq":0}\n'], { headers: { 'Content-Type': 'text/html' } })
    await expect(read(html)).rejects.toMatchObject(violation)
  })

  it('reports a server that cannot be reached as UPSTREAM_UNAVAILABLE', async () => {
    const down = async (): Promise<Response> => {
      throw new TypeError('fetch failed')
    }
    await expect(read(down)).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' })
  })
})
