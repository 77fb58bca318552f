import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

/**
 * A PostgreSQL-protocol server (PGlite behind pglite-socket) that a test can stop and start
 * again on the same port, to see how the console behaves when its database goes away.
 */
export async function startPostgresProtocolServer() {
  const port = await freePort()
  const db = await PGlite.create()
  let server: PGLiteSocketServer | null = null
  const start = async () => {
    server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 20 })
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
