// The console side of the audit verifier: starts the Web Worker, feeds it the keys, the newest
// checkpoint and the rows on screen, keeps this browser's memory (trusted keys, newest verified
// checkpoint) in localStorage, and exposes the results to the views.
import { listAuditKeyRotationsRoute } from '@tg/contracts'
import type { AuditCheckpoint, AuditKeys } from '@tg/contracts'
import { onScopeDispose, ref, shallowRef, watch } from 'vue'
import type { Ref } from 'vue'
import { api } from '@/shared/api'
import { createRpcClient } from '@/shared/workers/rpc'
import { readCheckpointMemory, readTrustMemory, writeCheckpointMemory, writeTrustMemory } from './trust-store'
import { acceptPresentedKeys, extendTrustByRotations } from './verify/trust'
import type { Verifier } from './verify/session'
import type {
  KeyRecord,
  LogVerification,
  RowInput,
  RowResult,
  TrustMemory,
  VerifyAllProgress,
  VerifyAllResult,
} from './verify/types'

export type LogPhase =
  | { phase: 'waiting' }
  | { phase: 'no-checkpoint' }
  | { phase: 'verifying' }
  | { phase: 'done'; log: LogVerification }
  | { phase: 'error'; message: string }

export type VerifyAllState =
  | { phase: 'idle' }
  | { phase: 'running'; progress: VerifyAllProgress }
  | { phase: 'done'; result: VerifyAllResult }
  | { phase: 'cancelled'; progress: VerifyAllProgress }
  | { phase: 'error'; message: string }

function startWorker() {
  const worker = new Worker(new URL('./worker/audit.worker.ts', import.meta.url), {
    type: 'module',
    name: 'audit-verifier',
  })
  return { worker, rpc: createRpcClient<Verifier>(worker) }
}

/** A plain copy of query data (reactive proxies cannot be posted to a worker). */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

/**
 * When the server lists keys this browser does not trust yet, the rotation statements signed by
 * the keys it does trust may vouch for them: the memory extended by those keys, or null.
 */
async function trustAfterRotations(keys: AuditKeys, memory: TrustMemory | null) {
  if (!memory || keys.pinned.length > 0) return null
  const known = new Set(memory.keys.map((k) => k.verifierKey))
  if (keys.keys.every((k) => known.has(k.verifierKey))) return null
  const { items } = await api.request(listAuditKeyRotationsRoute)
  return extendTrustByRotations(
    keys,
    memory,
    items.map((item) => item.statement),
  )
}

/**
 * Verifies the log (`keys`, `checkpoint`: undefined while loading, checkpoint null before the
 * first one exists) and then every row in `loaded` (the rows on screen), as they arrive.
 */
export function useAuditVerifier(
  keys: Readonly<Ref<AuditKeys | undefined>>,
  checkpoint: Readonly<Ref<AuditCheckpoint | null | undefined>>,
  loaded: Readonly<Ref<readonly RowInput[]>> = ref([]),
) {
  const { worker, rpc } = startWorker()
  onScopeDispose(() => worker.terminate())

  const log = shallowRef<LogPhase>({ phase: 'waiting' })
  const rows = shallowRef(new Map<number, RowResult>())
  const sessionId = ref<number | null>(null)
  /** Milliseconds the worker took for the last batch of rows, and its size. */
  const lastBatch = shallowRef<{ rows: number; elapsedMs: number } | null>(null)
  /** Keys this browser trusted in this visit because trusted outgoing keys signed their rotation. */
  const rotatedKeys = shallowRef<KeyRecord[]>([])
  /** Row objects sent in this session (pages are parsed once, so a refetched page is sent again). */
  let sent = new WeakSet<RowInput>()
  let generation = 0

  async function startSession() {
    const [currentKeys, currentCheckpoint] = [keys.value, checkpoint.value]
    const current = ++generation
    sessionId.value = null
    sent = new WeakSet()
    rows.value = new Map()
    cancelAll?.abort()
    all.value = { phase: 'idle' }
    if (!currentKeys || currentCheckpoint === undefined) return void (log.value = { phase: 'waiting' })
    try {
      if (currentCheckpoint === null) {
        log.value = { phase: 'no-checkpoint' }
        const { sessionId: id } = await rpc.call('openUnverified', { reason: 'No signed checkpoint exists yet.' })
        if (current !== generation) return
        sessionId.value = id
      } else {
        log.value = { phase: 'verifying' }
        const extended = await trustAfterRotations(currentKeys, readTrustMemory())
        if (current !== generation) return
        if (extended) {
          writeTrustMemory(extended.memory)
          rotatedKeys.value = [...rotatedKeys.value, ...extended.added]
        }
        const params = {
          checkpoint: plain(currentCheckpoint),
          keys: plain(currentKeys),
          trust: readTrustMemory(),
          remembered: readCheckpointMemory(),
        }
        const result = await rpc.call('verifyLog', params)
        if (current !== generation) return
        if (result.log.remember.trust) writeTrustMemory(result.log.remember.trust)
        if (result.log.remember.checkpoint) writeCheckpointMemory(result.log.remember.checkpoint)
        log.value = { phase: 'done', log: result.log }
        sessionId.value = result.sessionId
      }
      flush()
    } catch (error) {
      if (current === generation) log.value = { phase: 'error', message: messageOf(error) }
    }
  }

  /** Sends the loaded rows not yet verified in this session (or changed since) to the worker. */
  function flush() {
    const id = sessionId.value
    if (id === null) return
    const fresh = loaded.value.filter((row) => !sent.has(row))
    if (fresh.length === 0) return
    for (const row of fresh) sent.add(row)
    const batch = fresh.map(({ seq, canonical, proof }) => ({ seq, canonical, proof: plain(proof) }))
    rpc
      .call('verifyRows', { sessionId: id, rows: batch })
      .then(({ results, elapsedMs }) => {
        if (sessionId.value !== id) return
        const next = new Map(rows.value)
        for (const result of results) next.set(result.seq, result)
        rows.value = next
        lastBatch.value = { rows: batch.length, elapsedMs }
      })
      .catch((error: unknown) => {
        if (sessionId.value === id) log.value = { phase: 'error', message: messageOf(error) }
      })
  }

  const all = shallowRef<VerifyAllState>({ phase: 'idle' })
  let cancelAll: AbortController | null = null

  watch([keys, checkpoint], () => void startSession(), { immediate: true })
  watch(loaded, flush)

  function verifyAll() {
    const id = sessionId.value
    if (id === null || all.value.phase === 'running') return
    const controller = new AbortController()
    cancelAll = controller
    const total = checkpoint.value?.treeSize ?? 0
    let progress: VerifyAllProgress = { done: 0, total }
    all.value = { phase: 'running', progress }
    const onProgress = (value: VerifyAllProgress) => {
      progress = value
      if (all.value.phase === 'running') all.value = { phase: 'running', progress }
    }
    rpc
      .call('verifyAll', { sessionId: id }, { signal: controller.signal, onProgress })
      .then((result) => {
        if (sessionId.value === id) all.value = { phase: 'done', result }
      })
      .catch((error: unknown) => {
        if (sessionId.value !== id) return
        all.value =
          error instanceof Error && error.name === 'AbortError'
            ? { phase: 'cancelled', progress }
            : { phase: 'error', message: messageOf(error) }
      })
  }

  /** Trusts the keys the server presents now (after the person compared their fingerprints). */
  function acceptKeys() {
    const current = keys.value
    if (!current) return
    const memory = readTrustMemory()
    if (memory && memory.logOrigin !== current.origin) writeCheckpointMemory(null)
    writeTrustMemory(acceptPresentedKeys(current, memory))
    void startSession()
  }

  /** Forgets the trusted keys and the remembered checkpoint: the next verification is a first use. */
  function forgetMemory() {
    writeTrustMemory(null)
    writeCheckpointMemory(null)
    void startSession()
  }

  return {
    log,
    rows,
    lastBatch,
    rotatedKeys,
    all,
    verifyAll,
    cancelVerifyAll: () => cancelAll?.abort(),
    acceptKeys,
    forgetMemory,
  }
}

export type AuditVerifier = ReturnType<typeof useAuditVerifier>
