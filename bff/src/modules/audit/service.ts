import { randomBytes } from 'node:crypto'
import type {
  AuditCheckpoint,
  AuditCheckpointPage,
  AuditEntryDetail,
  AuditEntryPage,
  AuditExportQuery,
  AuditIntegrity,
  AuditKeyRotations,
  AuditKeys,
  AuditLeaves,
  ComponentHealth,
  ConsistencyProof,
  ListAuditEntriesQuery,
  SignInEvent,
} from '@tg/contracts'
import { AUDIT_ENTRY_PROOF_FORMAT } from '@tg/contracts/formats/audit'
import type { AuditBundle, AuditEntryProof } from '@tg/contracts/formats/audit'
import type { Logger } from 'pino'
import { desc, lt } from 'drizzle-orm'
import type { Db } from '../../db/client'
import { auditCheckpoints } from '../../db/schema'
import { AppError, notFound } from '../../lib/errors'
import { decodeSeqCursor } from '../../lib/pagination'
import type { Sealer } from '../../lib/seal'
import { checkpointAt, cutCheckpoint, latestCheckpoint, toCheckpoint } from './checkpoints'
import { buildBundle, emptyLog } from './export'
import { missingSpans, spansMissingFrom } from './gaps'
import { createIntegrityChecker } from './integrity/checker'
import type { IntegrityRun } from './integrity/checker'
import { activeKeyRows, createSignerCache, insertSigningKey, listKeyRows, toSigningKey } from './keys'
import { ALGORITHMS, keyRotationsOf, rotateSigningKeys } from './rotation'
import { consistencyProof, inclusionProofs } from './proofs'
import { SERVER_ACTOR, SESSION_OPENING_ACTIONS, recordAuditEvent } from './record'
import type { AuditContext, AuditWriter } from './record'
import { findEntry, listEntries, listLeaves, recentOfActions } from './repo'
import type { LogRow } from './repo'
import { streamLeaves } from './leaf-stream'
import { signInEventsOf } from './sign-ins'
import { countPending, createSequencer, lockHead, readHead, setOrigin } from './tree'
import { createAuditWriter } from './writer'
import { createBackgroundWork } from './background'

export type AuditConfig = {
  /** Origin line of checkpoints; made once (random) when not configured. */
  origin: string | undefined
  checkpointEvery: number
  checkpointIntervalMs: number
  /** Verifier keys pinned by configuration, shown to the console for its verification. */
  pinnedKeys: string[]
  /** How often the server checks its own log (TG_AUDIT_SELFCHECK_INTERVAL_S). */
  selfCheckIntervalMs: number
  /** How often a check rehashes the whole log again instead of the new rows only. */
  selfCheckFullIntervalMs: number
  /**
   * Group commit of audited writes (default on). Off, `transaction` is one transaction a write
   * whose records the sequencer moves later: only the benchmark turns it off, for its baseline.
   */
  groupCommit?: boolean
}

export interface AuditService extends AuditWriter {
  initialize(): Promise<void>
  drain(): Promise<void>
  /** After a state change: sequences and checkpoints in the background, when it may be needed (background.ts). */
  kick(): void
  cutIfDue(): Promise<void>
  /** Starts the sequencing and checkpoint timer and the self-check schedule; returns their stop function. */
  start(): () => void
  /** The self-check's shared alarm state. */
  integrity(): Promise<AuditIntegrity>
  /** Runs the self-check now. */
  checkIntegrity(): Promise<IntegrityRun>
  listEntries(query: ListAuditEntriesQuery): Promise<AuditEntryPage>
  getEntry(seq: number, treeSize: number | undefined): Promise<AuditEntryDetail>
  leaves(start: number, count: number): Promise<AuditLeaves>
  /** The leaves of [start, min(end, tree size)) as NDJSON, read in batches as the client consumes them. */
  leafStream(start: number, end: number): Promise<ReadableStream<Uint8Array>>
  listCheckpoints(limit: number, cursor: string | undefined): Promise<AuditCheckpointPage>
  latestCheckpoint(): Promise<AuditCheckpoint>
  createCheckpoint(): Promise<{ checkpoint: AuditCheckpoint; isNew: boolean }>
  consistency(fromSize: number, toSize: number): Promise<ConsistencyProof>
  keys(canRotate: boolean): Promise<AuditKeys>
  rotateKeys(ctx: AuditContext): Promise<AuditKeys>
  /** The rotation statements signed by the outgoing keys, oldest first. */
  keyRotations(): Promise<AuditKeyRotations>
  exportBundle(query: AuditExportQuery): Promise<AuditBundle>
  /** One entry's offline proof against the latest checkpoint (cut now if none covers the entry). */
  entryProof(seq: number): Promise<AuditEntryProof>
  recentSignIns(limit: number): Promise<SignInEvent[]>
  health(): Promise<ComponentHealth>
}

type Deps = {
  db: Db
  sealer: Sealer
  config: AuditConfig
  log: Logger
  /** Told the outcome of every self-check run (metrics). */
  onIntegrityRun?: (run: IntegrityRun) => void
  /** Told the size of every group commit (metrics). */
  onWriteBatch?: (size: number) => void
  /** How long a group commit waits for more members (see db/group-commit.ts); 0 by default. */
  writeWindowMs?: number
  /** How many group commits may run at once (see db/group-commit.ts); 1 by default. */
  writeBatchesInFlight?: number
}

export function createAuditService({
  db,
  sealer,
  config,
  log,
  onIntegrityRun,
  onWriteBatch,
  writeWindowMs,
  writeBatchesInFlight,
}: Deps): AuditService {
  const signerOf = createSignerCache(sealer)
  const checker = createIntegrityChecker({
    db,
    log,
    onRun: onIntegrityRun,
    fullIntervalMs: config.selfCheckFullIntervalMs,
  })
  const background = createBackgroundWork({
    sequence: createSequencer(db, (count) => log.debug({ count }, 'audit records sequenced')),
    check: checkIfDue,
    checkpointEvery: config.checkpointEvery,
    checkEveryMs: Math.min(1000, config.checkpointIntervalMs),
    onError: (err) => log.warn({ err }, 'audit sequencing failed; it is retried by the timer'),
  })
  const { drain, cutIfDue } = background
  const writer = createAuditWriter(db, {
    onCommit: onWriteBatch,
    windowMs: writeWindowMs,
    maxInFlight: writeBatchesInFlight,
    isEnabled: config.groupCommit ?? true,
    // The batches' changes have committed: a failed pass leaves their records queued for the timer.
    sequence: () =>
      drain().catch((err: unknown) => log.warn({ err }, 'audit sequencing failed; it is retried by the timer')),
  })

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

  async function checkIfDue() {
    const [head, latest] = await Promise.all([readHead(db), latestCheckpoint(db)])
    if (head.treeSize === 0 || head.treeSize === latest?.treeSize) return
    const isDue =
      !latest ||
      head.treeSize - latest.treeSize >= config.checkpointEvery ||
      Date.now() - latest.createdAt.getTime() >= config.checkpointIntervalMs
    if (isDue) await cutCheckpoint(db, signerOf)
  }

  const service: AuditService = {
    record: writer.record,
    transaction: writer.transaction,
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

    kick: background.kick,

    start() {
      const timer = setInterval(background.sweep, Math.min(1000, config.checkpointIntervalMs))
      timer.unref()
      const stopChecks = checker.start(config.selfCheckIntervalMs)
      return () => {
        clearInterval(timer)
        stopChecks()
      }
    },

    integrity: () => checker.state(),
    checkIntegrity: () => checker.check(),

    async listEntries(query) {
      const { limit, cursor, treeSize: wanted, withProofs: isProven, seq, hash, ...filter } = query
      const checkpoint = await requireCheckpoint(wanted)
      const treeSize = isProven && checkpoint ? checkpoint.treeSize : null
      const [head, { rows, nextCursor }, pending] = await Promise.all([
        readHead(db),
        listEntries(db, filter, limit, cursor, { seq, hash }),
        countPending(db),
      ])
      // The part of the log this page spans: what is not stored there is missing, not filtered out.
      const top = cursor === undefined ? Math.max(head.treeSize - 1, rows[0]?.seq ?? -1) : Number(cursor) - 1
      const bottom = nextCursor === null ? 0 : (rows.at(-1)?.seq ?? 0)
      const missing = await missingSpans(db, bottom, top)
      return { items: await withProofs(rows, treeSize), nextCursor, treeSize, pending, missing }
    },

    async getEntry(seq, treeSize) {
      const row = await findEntry(db, seq)
      if (!row) throw notFound(`Audit entry ${seq}`)
      const checkpoint = await requireCheckpoint(treeSize)
      const [entry] = await withProofs([row], checkpoint?.treeSize ?? null)
      return { entry: entry as NonNullable<typeof entry>, checkpoint: checkpoint ? toCheckpoint(checkpoint) : null }
    },

    async leaves(start, count) {
      const head = await readHead(db)
      const rows = await listLeaves(db, start, count)
      const last = Math.min(start + count, head.treeSize) - 1
      const missing = spansMissingFrom(
        rows.map((r) => r.seq),
        start,
        last,
      )
      return { start, treeSize: head.treeSize, entries: rows, missing }
    },

    async leafStream(start, end) {
      const head = await readHead(db)
      return streamLeaves(db, start, Math.min(end, head.treeSize))
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
      await rotateSigningKeys(db, sealer, signerOf, ctx)
      await cut()
      return service.keys(true)
    },

    async keyRotations() {
      await drain()
      return keyRotationsOf(db)
    },

    exportBundle: (query) => exportBundle(query),

    async entryProof(seq) {
      const row = await findEntry(db, seq)
      if (!row) throw notFound(`Audit entry ${seq}`)
      const covering = await latestCheckpoint(db)
      const checkpoint = covering && covering.treeSize > seq ? covering : (await cut()).row
      const [[entry], keyRows, head] = await Promise.all([
        withProofs([row], checkpoint.treeSize),
        listKeyRows(db),
        readHead(db),
      ])
      return {
        format: AUDIT_ENTRY_PROOF_FORMAT,
        origin: head.origin ?? '',
        createdAt: new Date().toISOString(),
        publicKeys: keyRows.map((key) => {
          const { name, algorithm, publicKey, keyId, status } = toSigningKey(key)
          return { name, algorithm, publicKey, keyId, status }
        }),
        checkpoint: { note: checkpoint.note },
        entry: { seq: row.seq, canonical: row.canonical, proof: entry?.proof?.hashes ?? [] },
      }
    },
    recentSignIns: async (limit) => signInEventsOf(await recentOfActions(db, SESSION_OPENING_ACTIONS, limit), limit),

    async health() {
      const [head, latest, pending, integrity] = await Promise.all([
        readHead(db),
        latestCheckpoint(db),
        countPending(db),
        checker.state(),
      ])
      const checkpointText = latest ? `last checkpoint at size ${latest.treeSize}` : 'no checkpoint yet'
      const counts = `${head.treeSize} entries, ${pending} being sequenced, ${checkpointText}.`
      const { finding } = integrity
      return {
        name: 'audit',
        label: 'Audit',
        kind: 'module',
        status: finding ? 'failed' : 'ok',
        message: finding
          ? `Self-check failed since ${finding.detectedAt}: ${finding.message} ${counts}`
          : `${counts} ${integrity.status === 'ok' ? `Self-check clean up to ${integrity.checkedTreeSize} entries.` : 'Self-check not run yet.'}`,
        latencyMs: null,
      }
    },
  }

  async function exportBundle(query: AuditExportQuery): Promise<AuditBundle> {
    const { row: latest } = await cut().catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'CONFLICT') throw emptyLog()
      throw err
    })
    return buildBundle(db, latest, query)
  }

  return service
}
