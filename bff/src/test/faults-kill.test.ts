import { request } from 'node:http'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { makePackage, signing } from '../modules/tgsp/test-support'
import { call, startReplica, until } from './replica-process'
import {
  filesUnder,
  firstAdminKey,
  killHard,
  printFigures,
  restart,
  serverEnv,
  verifiedLog,
  killTargets,
} from './fault-support'

// kill -9 of a real server process (`node --import tsx bff/src/main.ts`) in the middle of a burst
// of audited writes and in the middle of an upload, then a restart on the same state. Two
// replicas on PostgreSQL, one of them killed, are in replicas.test.ts; here one server alone, on
// the embedded default (PGlite) and on PostgreSQL.

const BURST = 40
const KILL_AFTER = 12

const { targets, track } = await killTargets('faults-kill.test')

describe.each(targets)('kill -9 of the server on %s', (name, database) => {
  it.skipIf(!database)(
    'keeps every write answered 2xx, and the log verifies after the restart',
    { timeout: 90_000 },
    async () => {
      const env = serverEnv(name.split(' ').pop()!.toLowerCase(), database!)
      let server = await startReplica('first', env)
      track(server)
      const key = await firstAdminKey(server)

      const answered: string[] = []
      let failed = 0
      await Promise.all(
        Array.from({ length: BURST }, async (_, i) => {
          try {
            const res = await call(server, 'POST', '/api/v1/tgsp/fleets', { bearer: key, body: { name: `burst-${i}` } })
            if (res.status !== 201) throw new Error(`answered ${res.status}`)
            answered.push(((await res.json()) as { id: string }).id)
            if (answered.length === KILL_AFTER) server.child.kill('SIGKILL')
          } catch {
            // Cut off by the kill: not answered, so the client knows nothing was promised.
            failed++
          }
        }),
      )
      await killHard(server)
      expect(answered.length).toBeGreaterThanOrEqual(KILL_AFTER)
      expect(failed).toBeGreaterThan(0)

      server = await restart('restarted', env, key)
      track(server)
      const rows = await verifiedLog(server, key)
      const logged = new Set(rows.filter((r) => r.action === 'tgsp.fleet_created').map((r) => r.resource.id))
      const listed = (await (await call(server, 'GET', '/api/v1/tgsp/fleets', { bearer: key })).json()) as {
        items: Array<{ id: string }>
      }
      const stored = new Set(listed.items.map((f) => f.id))
      const lost = answered.filter((id) => !logged.has(id) || !stored.has(id))
      expect(lost).toEqual([])
      // Nothing the log holds is a fleet that is not there (or the reverse): one transaction each.
      expect([...logged].filter((id) => !stored.has(id!))).toEqual([])
      printFigures(`kill -9 mid-burst (${name})`, {
        'faults injected': 1,
        survived: 1,
        'writes answered 2xx': answered.length,
        'cut off': failed,
        lost: lost.length,
        'log entries verified': rows.length,
      })
      await killHard(server)
    },
  )
})

describe('kill -9 of the server in the middle of an upload (embedded PGlite)', () => {
  it(
    'leaves no orphan blob, no leftover and no half row, and the same upload then succeeds',
    { timeout: 90_000 },
    async () => {
      const env = serverEnv('upload')
      const blobDir = env.TG_BLOB_DIR!
      let server = await startReplica('uploading', env)
      track(server)
      const key = await firstAdminKey(server)
      const publisher = await call(server, 'POST', '/api/v1/tgsp/publishers', {
        bearer: key,
        body: { name: 'Fault ML', classic: signing.publicKey.classic, pqc: signing.publicKey.pqc },
      })
      expect(publisher.status, await publisher.clone().text()).toBe(201)
      const bytes = makePackage(2 * 1024 * 1024)

      // Half the package is sent, and on disk under .incoming, when the process dies.
      const url = new URL('/api/v1/tgsp/packages', server.url)
      const upload = request(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/octet-stream',
          'content-length': String(bytes.length),
        },
      })
      const ended = new Promise<string>((resolve) => {
        upload.on('error', (err) => resolve(`error ${(err as NodeJS.ErrnoException).code ?? err.message}`))
        upload.on('response', (res) => resolve(`answered ${res.statusCode}`))
      })
      upload.write(bytes.subarray(0, Math.floor(bytes.length / 2)))
      const incoming = join(blobDir, '.incoming')
      await until('the upload to reach the disk', () => {
        const names = (() => {
          try {
            return readdirSync(incoming)
          } catch {
            return []
          }
        })()
        return names.some((n) => statSync(join(incoming, n)).size > 0)
      })
      await killHard(server)
      expect(await ended).toMatch(/^error /)
      expect(filesUnder(blobDir).filter((f) => f.startsWith('.incoming'))).toHaveLength(1)

      server = await restart('after the upload', env, key)
      track(server)
      // The start pass removed the crash's leftover; no blob was committed, no row written.
      expect(filesUnder(blobDir)).toEqual([])
      const page = (await (await call(server, 'GET', '/api/v1/tgsp/packages', { bearer: key })).json()) as {
        items: unknown[]
      }
      expect(page.items).toEqual([])
      const rows = await verifiedLog(server, key)
      expect(rows.filter((r) => r.action.startsWith('tgsp.package'))).toEqual([])

      const again = await call(server, 'POST', '/api/v1/tgsp/packages', { bearer: key, raw: bytes })
      expect(again.status, await again.clone().text()).toBe(201)
      const pkg = (await again.json()) as { id: string; status: string }
      expect(pkg.status).toBe('verified')
      const download = await call(server, 'GET', `/api/v1/tgsp/packages/${pkg.id}/download`, { bearer: key })
      expect(new Uint8Array(await download.arrayBuffer())).toEqual(bytes)
      expect(filesUnder(blobDir).filter((f) => !f.startsWith('.incoming'))).toHaveLength(1)
      printFigures('kill -9 mid-upload (embedded PGlite)', {
        'faults injected': 1,
        survived: 1,
        'bytes sent before the kill': Math.floor(bytes.length / 2),
        'orphan blobs': 0,
        'leftovers after the start pass': 0,
        'half rows': 0,
        lost: 0,
      })
      await killHard(server)
    },
  )
})
