// SHA-256 of an upload's payload in a worker thread, so that receiving and writing (this thread)
// and hashing (the worker) use two cores. One long-lived worker serves every upload; it starts
// with the first upload (not at start: a bare worker holds ~10 MB resident, ~17 MB while hashing) and stops when no upload
// has used it for IDLE_MS. Bytes are copied into 256 KiB batches whose buffers are transferred
// to the worker and back, and an upload may have at most IN_FLIGHT of them waiting for the worker:
// a slow hash holds the upload's reads (so the socket), never the bytes in memory.
import { Worker } from 'node:worker_threads'

const BATCH = 256 * 1024
const IN_FLIGHT = 4
const IDLE_MS = 30_000

/** The worker: one node:crypto hash per upload id; every batch buffer goes back for reuse. */
const SOURCE = `
const { parentPort } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const hashes = new Map()
parentPort.on('message', (m) => {
  if (m.op === 'update') {
    let hash = hashes.get(m.id)
    if (!hash) hashes.set(m.id, (hash = createHash('sha256')))
    hash.update(new Uint8Array(m.buffer, 0, m.length))
    parentPort.postMessage({ op: 'free', id: m.id, buffer: m.buffer }, [m.buffer])
  } else if (m.op === 'digest') {
    const hash = hashes.get(m.id) ?? createHash('sha256')
    hashes.delete(m.id)
    parentPort.postMessage({ op: 'digest', id: m.id, hex: hash.digest('hex') })
  } else if (m.op === 'drop') {
    hashes.delete(m.id)
  } else if (m.op === 'state') {
    parentPort.postMessage({ op: 'state', id: m.id, hashes: hashes.size })
  }
})
`

type Reply =
  | { op: 'free'; id: number; buffer: ArrayBuffer }
  | { op: 'digest'; id: number; hex: string }
  | { op: 'state'; id: number; hashes: number }

let worker: Worker | null = null
let idleTimer: NodeJS.Timeout | null = null
let nextId = 1
const sessions = new Map<number, WorkerSha256>()
const stateQueries = new Map<number, (hashes: number) => void>()

/** Every session of a worker that failed or exited fails with `err`; the next upload starts a new one. */
function lost(from: Worker, err: Error) {
  if (worker !== from) return
  worker = null
  for (const session of sessions.values()) session.fail(err)
  for (const [id, answer] of stateQueries) {
    stateQueries.delete(id)
    answer(0)
  }
}

function workerOf(): Worker {
  if (worker) return worker
  const started = new Worker(SOURCE, { eval: true, name: 'upload-sha256' })
  // Uploads in progress keep the process alive through their sockets; the worker alone never does.
  started.unref()
  started.on('message', (reply: Reply) => {
    if (reply.op === 'state') {
      stateQueries.get(reply.id)?.(reply.hashes)
      stateQueries.delete(reply.id)
      return
    }
    const session = sessions.get(reply.id)
    if (reply.op === 'free') session?.freed(reply.buffer)
    else session?.digested(reply.hex)
  })
  started.on('error', (err) => lost(started, err))
  started.on('exit', (code) => lost(started, new Error(`the upload hash worker exited with code ${code}`)))
  worker = started
  return started
}

function idleCheck() {
  if (sessions.size > 0 || !worker || idleTimer) return
  idleTimer = setTimeout(() => {
    idleTimer = null
    if (sessions.size > 0 || !worker) return
    const stopping = worker
    worker = null
    void stopping.terminate()
  }, IDLE_MS)
  idleTimer.unref()
}

/** Whether the worker runs, the uploads using it, and the hashes it holds (asked of the worker itself). */
export async function sha256WorkerState(): Promise<{ running: boolean; sessions: number; hashes: number }> {
  const running = worker
  if (!running) return { running: false, sessions: sessions.size, hashes: 0 }
  const id = nextId++
  const hashes = await new Promise<number>((resolve) => {
    stateQueries.set(id, resolve)
    running.postMessage({ op: 'state', id })
  })
  return { running: worker !== null, sessions: sessions.size, hashes }
}

/** One upload's SHA-256, computed by the worker. Call `dispose` when the upload ends, however it ends. */
export class WorkerSha256 {
  readonly #id = nextId++
  readonly #free: ArrayBuffer[] = []
  #batch: Uint8Array | null = null
  #fill = 0
  #inFlight = 0
  #posted = false
  #ended = false
  #failure: Error | null = null
  #wake: (() => void) | null = null
  #answer: { resolve: (hex: string) => void; reject: (err: Error) => void } | null = null

  constructor() {
    sessions.set(this.#id, this)
    if (idleTimer) clearTimeout(idleTimer)
    idleTimer = null
  }

  /** Batches given to the worker and not yet hashed. */
  get batchesInFlight(): number {
    return this.#inFlight
  }

  /** Copies `bytes` into the current batch; full batches go to the worker. */
  update(bytes: Uint8Array): void {
    if (this.#ended) throw new Error('WorkerSha256.update after digest or dispose')
    if (this.#failure) throw this.#failure
    for (let offset = 0; offset < bytes.length;) {
      this.#batch ??= new Uint8Array(this.#free.pop() ?? new ArrayBuffer(BATCH))
      const take = Math.min(BATCH - this.#fill, bytes.length - offset)
      this.#batch.set(bytes.subarray(offset, offset + take), this.#fill)
      this.#fill += take
      offset += take
      if (this.#fill === BATCH) this.#post()
    }
  }

  /** Resolves once fewer than IN_FLIGHT batches wait for the worker; rejects when the worker failed. */
  async ready(): Promise<void> {
    while (this.#inFlight >= IN_FLIGHT && !this.#failure) await new Promise<void>((resolve) => (this.#wake = resolve))
    if (this.#failure) throw this.#failure
  }

  /** The hex digest of every byte given to `update`. */
  digest(): Promise<string> {
    if (this.#ended) return Promise.reject(new Error('WorkerSha256.digest after digest or dispose'))
    if (this.#failure) return Promise.reject(this.#failure)
    if (this.#fill > 0) this.#post()
    this.#ended = true
    return new Promise<string>((resolve, reject) => {
      this.#answer = { resolve, reject }
      workerOf().postMessage({ op: 'digest', id: this.#id })
    })
  }

  /** Ends the session: the worker drops its hash, and a later upload may find the worker idle. Safe to call twice. */
  dispose(): void {
    if (!sessions.delete(this.#id)) return
    if (!this.#ended && this.#posted && worker) worker.postMessage({ op: 'drop', id: this.#id })
    this.#ended = true
    this.#batch = null
    this.#free.length = 0
    this.#answer?.reject(new Error('the upload hash was disposed before its digest'))
    this.#answer = null
    this.#wake?.()
    idleCheck()
  }

  #post() {
    const buffer = this.#batch!.buffer as ArrayBuffer
    workerOf().postMessage({ op: 'update', id: this.#id, buffer, length: this.#fill }, [buffer])
    this.#batch = null
    this.#fill = 0
    this.#inFlight += 1
    this.#posted = true
  }

  /** @internal A batch came back from the worker. */
  freed(buffer: ArrayBuffer) {
    this.#inFlight -= 1
    if (!this.#ended && this.#free.length < IN_FLIGHT) this.#free.push(buffer)
    const wake = this.#wake
    this.#wake = null
    wake?.()
  }

  /** @internal */
  digested(hex: string) {
    this.#answer?.resolve(hex)
    this.#answer = null
  }

  /** @internal The worker is gone. */
  fail(err: Error) {
    this.#failure = err
    this.#answer?.reject(err)
    this.#answer = null
    const wake = this.#wake
    this.#wake = null
    wake?.()
  }
}
