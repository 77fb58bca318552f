import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type {
  AuditCheckpoint,
  AuditCheckpointPage,
  AuditEntryDetail,
  AuditEntryPage,
  AuditExportQuery,
  AuditKeys,
  AuditLeaves,
  ComponentHealth,
  ConsistencyProof,
  ListAuditEntriesQuery,
  SignInEvent,
} from '@tg/contracts'
import { AUDIT_EXPORT_MAX } from '@tg/contracts'
import type { AuditBundle } from '@tg/contracts/formats/audit'
import type { Logger } from 'pino'
import { desc, lt } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { auditCheckpoints, auditSigningKeys } from '../../db/schema'
import { AppError, notFound } from '../../lib/errors'
import { decodeSeqCursor } from '../../lib/pagination'
import type { Sealer } from '../../lib/seal'
import { checkpointAt, checkpointBefore, cutCheckpoint, latestCheckpoint, toCheckpoint } from './checkpoints'
import { activeKeyRows, createSignerCache, insertSigningKey, listKeyRows, toSigningKey } from './keys'
import { consistencyProof, inclusionProofs } from './proofs'
import { SERVER_ACTOR, SIGN_IN_ACTION, recordAuditEvent } from './record'
import type { AuditContext, AuditLog } from './record'
import { exportEntries, findEntry, listEntries, listLeaves, recentOfAction } from './repo'
import type { LogRow } from './repo'
import { signInEventsOf } from './sign-ins'
import { countPending, createSequencer, lockHead, readHead, setOrigin } from './tree'

export type AuditConfig = {
  /** Origin line of checkpoints; made once (random) when not configured. */
  origin: string | undefined
  checkpointEvery: number
  checkpointIntervalMs: number
  /** Verifier keys pinned by configuration, shown to the console for its verification. */
  pinnedKeys: string[]
}

export interface AuditService extends AuditLog {
  initialize(): Promise<void>
  drain(): Promise<void>
  /** Sequences and checkpoints in the background (after a state change). */
  kick(): void
  cutIfDue(): Promise<void>
  /** Starts the periodic sequencing and checkpoint timer; returns its stop function. */
  start(): () => void
  listEntries(query: ListAuditEntriesQuery): Promise<AuditEntryPage>
  getEntry(seq: number, treeSize: number | undefined): Promise<AuditEntryDetail>
  leaves(start: number, count: number): Promise<AuditLeaves>
  listCheckpoints(limit: number, cursor: string | undefined): Promise<AuditCheckpointPage>
  latestCheckpoint(): Promise<AuditCheckpoint>
  createCheckpoint(): Promise<{ checkpoint: AuditCheckpoint; isNew: boolean }>
  consistency(fromSize: number, toSize: number): Promise<ConsistencyProof>
  keys(canRotate: boolean): Promise<AuditKeys>
  rotateKeys(ctx: AuditContext): Promise<AuditKeys>
  exportBundle(query: AuditExportQuery): Promise<AuditBundle>
  recentSignIns(limit: number): Promise<SignInEvent[]>
  health(): Promise<ComponentHealth>
}

type Deps = { db: Db; sealer: Sealer; config: AuditConfig; log: Logger }

const ALGORITHMS = ['ed25519', 'ml-dsa-65'] as const

export function createAuditService({ db, sealer, config, log }: Deps): AuditService {
  const signerOf = createSignerCache(sealer)
  const drain = createSequencer(db, (count) => log.debug({ count }, 'audit records sequenced'))

  async function requireCheckpoint(treeSize: number | undefined) {
    const row = treeSize === undefined ? await latestCheckpoint(db) : await checkpointAt(db, treeSize)
    if (treeSize !== undefined && !row) throw notFound(`Checkpoint of tree size ${treeSize}`)
    return row
  }

  async function withProofs(rows: LogRow[], treeSize: number | null) {
    const proven = treeSize === null ? [] : rows.filter((r) => r.seq < treeSize)
    const proofs =
      treeSize === null
        ? []
        : await inclusionProofs(
            db,
            proven.map((r) => r.seq),
            treeSize,
          )
    const bySeq = new Map(proven.map((r, i) => [r.seq, proofs[i] ?? []]))
    return rows.map((row) => {
      const hashes = bySeq.get(row.seq)
      return {
        seq: row.seq,
        canonical: row.canonical,
        leafHash: row.leafHash.toString('hex'),
        proof: hashes && treeSize !== null ? { treeSize, hashes } : null,
      }
    })
  }

  async function cut() {
    await drain()
    return cutCheckpoint(db, signerOf)
  }

  async function cutIfDue() {
    const [head, latest] = await Promise.all([readHead(db), latestCheckpoint(db)])
    if (head.treeSize === 0 || head.treeSize === latest?.treeSize) return
    const isDue =
      !latest ||
      head.treeSize - latest.treeSize >= config.checkpointEvery ||
      Date.now() - latest.createdAt.getTime() >= config.checkpointIntervalMs
    if (isDue) await cutCheckpoint(db, signerOf)
  }

  const service: AuditService = {
    record: recordAuditEvent,
    drain,
    cutIfDue,

    async initialize() {
      await db.transaction(async (tx) => {
        const head = await lockHead(tx)
        const origin = head.origin ?? config.origin ?? `tensorguardflow.local/audit-${randomBytes(6).toString('hex')}`
        if (!head.origin) await setOrigin(tx, origin)
        const active = await activeKeyRows(tx)
        const missing = ALGORITHMS.filter((alg) => !active.some((k) => k.algorithm === alg))
        if (missing.length === 0) return
        const created = []
        for (const algorithm of missing)
          created.push(toSigningKey(await insertSigningKey(tx, sealer, origin, algorithm)))
        await recordAuditEvent(
          tx,
          { actor: SERVER_ACTOR, requestId: null, clientIp: null },
          {
            action: 'audit.keys_created',
            resourceType: 'audit_log',
            resourceId: origin,
            outcome: 'success',
            details: {
              keys: created.map((k) => ({ algorithm: k.algorithm, keyId: k.keyId, fingerprint: k.fingerprint })),
            },
          },
        )
      })
      await drain()
      await cutIfDue()
    },

    kick() {
      void drain()
        .then(cutIfDue)
        .catch((err: unknown) => log.warn({ err }, 'audit sequencing failed; it is retried by the timer'))
    },

    start() {
      const timer = setInterval(() => service.kick(), Math.min(1000, config.checkpointIntervalMs))
      timer.unref()
      return () => clearInterval(timer)
    },

    async listEntries(query) {
      const { limit, cursor, treeSize: wanted, withProofs: isProven, ...filter } = query
      const checkpoint = await requireCheckpoint(wanted)
      const treeSize = isProven && checkpoint ? checkpoint.treeSize : null
      const [{ rows, nextCursor }, pending] = await Promise.all([
        listEntries(db, filter, limit, cursor),
        countPending(db),
      ])
      return { items: await withProofs(rows, treeSize), nextCursor, treeSize, pending }
    },

    async getEntry(seq, treeSize) {
      const row = await findEntry(db, seq)
      if (!row) throw notFound(`Audit entry ${seq}`)
      const checkpoint = await requireCheckpoint(treeSize)
      const [entry] = await withProofs([row], checkpoint?.treeSize ?? null)
      return { entry: entry as NonNullable<typeof entry>, checkpoint: checkpoint ? toCheckpoint(checkpoint) : null }
    },

    async leaves(start, count) {
      const [rows, head] = await Promise.all([listLeaves(db, start, count), readHead(db)])
      return { start, treeSize: head.treeSize, entries: rows }
    },

    async listCheckpoints(limit, cursor) {
      const before = decodeSeqCursor(cursor)
      const rows = await db
        .select()
        .from(auditCheckpoints)
        .where(before === undefined ? undefined : lt(auditCheckpoints.treeSize, before))
        .orderBy(desc(auditCheckpoints.treeSize))
        .limit(limit + 1)
      const page = rows.slice(0, limit)
      const last = page.at(-1)
      return { items: page.map(toCheckpoint), nextCursor: rows.length > limit && last ? String(last.treeSize) : null }
    },

    async latestCheckpoint() {
      const row = await latestCheckpoint(db)
      if (!row) throw notFound('Checkpoint')
      return toCheckpoint(row)
    },

    async createCheckpoint() {
      const { row, isNew } = await cut()
      return { checkpoint: toCheckpoint(row), isNew }
    },

    async consistency(fromSize, toSize) {
      const head = await readHead(db)
      if (fromSize > toSize || toSize > head.treeSize)
        throw new AppError('VALIDATION_FAILED', `Need from <= to <= ${head.treeSize} (the current tree size).`, {
          issues: [{ path: fromSize > toSize ? 'from' : 'to', message: 'Out of range.' }],
        })
      return { fromSize, toSize, hashes: await consistencyProof(db, fromSize, toSize) }
    },

    async keys(canRotate) {
      const [head, rows] = await Promise.all([readHead(db), listKeyRows(db)])
      return { origin: head.origin ?? '', pinned: config.pinnedKeys, keys: rows.map(toSigningKey), canRotate }
    },

    async rotateKeys(ctx) {
      await db.transaction(async (tx) => {
        const head = await lockHead(tx)
        const retired = await activeKeyRows(tx)
        await tx
          .update(auditSigningKeys)
          .set({ status: 'retired', retiredAt: new Date() })
          .where(eq(auditSigningKeys.status, 'active'))
        const created = []
        for (const algorithm of ALGORITHMS)
          created.push(toSigningKey(await insertSigningKey(tx, sealer, head.origin ?? '', algorithm)))
        await recordAuditEvent(tx, ctx, {
          action: 'audit.keys_rotated',
          resourceType: 'audit_log',
          resourceId: head.origin,
          outcome: 'success',
          details: {
            retired: retired.map((k) => ({ algorithm: k.algorithm, keyId: k.keyId })),
            created: created.map((k) => ({ algorithm: k.algorithm, keyId: k.keyId, fingerprint: k.fingerprint })),
          },
        })
      })
      await cut()
      return service.keys(true)
    },

    exportBundle: (query) => buildBundle(query),
    recentSignIns: async (limit) => signInEventsOf(await recentOfAction(db, SIGN_IN_ACTION, limit), limit),

    async health() {
      const [head, latest, pending] = await Promise.all([readHead(db), latestCheckpoint(db), countPending(db)])
      const checkpointText = latest ? `last checkpoint at size ${latest.treeSize}` : 'no checkpoint yet'
      return {
        name: 'audit',
        label: 'Audit',
        kind: 'module',
        status: 'ok',
        message: `${head.treeSize} entries, ${pending} being sequenced, ${checkpointText}.`,
        latencyMs: null,
      }
    },
  }

  async function buildBundle(query: AuditExportQuery): Promise<AuditBundle> {
    const { fromSeq = 0, toSeq, ...filter } = query
    const { row: latest } = await cut().catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'CONFLICT') throw notFound('Audit entry')
      throw err
    })
    const end = Math.min(toSeq ?? latest.treeSize, latest.treeSize)
    const rows = await exportEntries(db, filter, fromSeq, end, AUDIT_EXPORT_MAX)
    if (rows.length > AUDIT_EXPORT_MAX)
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `More than ${AUDIT_EXPORT_MAX} entries match: narrow the filter or the range.`,
      )
    const proofs = await inclusionProofs(
      db,
      rows.map((r) => r.seq),
      latest.treeSize,
    )
    const previous = await checkpointBefore(db, latest.treeSize)
    const keyRows = await listKeyRows(db)
    const head = await readHead(db)
    return {
      format: 'tensorguardflow.audit-bundle/v1',
      origin: head.origin ?? '',
      createdAt: new Date().toISOString(),
      filter: { ...filter, fromSeq, toSeq: end },
      publicKeys: keyRows.map((row) => {
        const key = toSigningKey(row)
        return {
          name: key.name,
          algorithm: key.algorithm,
          publicKey: key.publicKey,
          keyId: key.keyId,
          status: key.status,
        }
      }),
      checkpoints: [...(previous ? [{ note: previous.note }] : []), { note: latest.note }],
      consistency: previous
        ? [
            {
              fromSize: previous.treeSize,
              toSize: latest.treeSize,
              proof: await consistencyProof(db, previous.treeSize, latest.treeSize),
            },
          ]
        : [],
      entries: rows.map((row, i) => ({ seq: row.seq, canonical: row.canonical, proof: proofs[i] ?? [] })),
    }
  }

  return service
}
