import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { PGlite } from '@electric-sql/pglite'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

/**
 * A PostgreSQL-protocol server (PGlite behind pglite-socket) that a test can stop and start
 * again on the same port, to see how the console behaves when its database goes away, or to
 * change rows behind the console's back.
 */
export async function startPostgresProtocolServer() {
  const port = await freePort()
  // pg_trgm: the console's migrations create it (trigram indexes of the lists' search).
  const db = await PGlite.create({ extensions: { pg_trgm } })
  let server: PGLiteSocketServer | null = null
  const start = async () => {
    server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 20 })
    keepExtendedQueriesWhole(server)
    await server.start()
  }
  await start()
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    stop: async () => {
      await server?.stop()
      server = null
    },
    start,
    close: async () => {
      await server?.stop()
      await db.close()
    },
  }
}

type QueuedMessage = {
  handlerId: number
  message: Uint8Array
  resolve: (bytes: number) => void
  reject: (error: unknown) => void
  onData: (data: Uint8Array) => void
}
type QueryQueue = {
  queue: QueuedMessage[]
  processing: boolean
  lastHandlerId: number | null
  db: PGlite
  processQueue: () => Promise<void>
  clearQueueForHandler: (handlerId: number) => void
}

// Messages after which the backend is ready for another client: Sync, Query, Terminate, and a
// startup message (no type byte: it starts with its length, whose first byte is 0).
const BOUNDARIES = new Set([0x53, 0x51, 0x58, 0x00])

/**
 * pglite-socket runs every protocol message of every connection through one PGlite session,
 * one message at a time. Outside transactions it lets another connection's message run between
 * the Parse, Bind and Execute of an extended-protocol query, which then reads the other
 * connection's unnamed statement or portal (wrong rows, failed queries) as soon as the console
 * runs queries in parallel. This keeps a connection's messages together up to its Sync.
 */
function keepExtendedQueriesWhole(server: PGLiteSocketServer): void {
  const queue = (server as unknown as { queryQueue: QueryQueue }).queryQueue
  let midQuery = false
  const clear = queue.clearQueueForHandler.bind(queue)
  queue.clearQueueForHandler = (handlerId) => {
    if (handlerId === queue.lastHandlerId) midQuery = false
    clear(handlerId)
  }
  queue.processQueue = async function processQueue() {
    if (queue.processing || queue.queue.length === 0) return
    queue.processing = true
    try {
      while (queue.queue.length > 0) {
        const sticky = queue.lastHandlerId !== null && (midQuery || queue.db.isInTransaction())
        const index = sticky ? queue.queue.findIndex((item) => item.handlerId === queue.lastHandlerId) : 0
        if (index === -1) break
        const [item] = queue.queue.splice(index, 1) as [QueuedMessage]
        let bytes = 0
        try {
          await queue.db.runExclusive(() =>
            queue.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length
                item.onData(data)
              },
            }),
          )
        } catch (error) {
          midQuery = false
          item.reject(error)
          continue
        }
        queue.lastHandlerId = item.handlerId
        midQuery = !BOUNDARIES.has(item.message[0] ?? 0)
        item.resolve(bytes)
      }
    } finally {
      queue.processing = false
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}
