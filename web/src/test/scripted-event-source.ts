import type { EventSourceLike } from '../shared/api/events'

/**
 * An EventSource that a test drives (tests only): open it, send named events (with the ids the
 * server gives them), fail it. `connect` hands out new ones and keeps them in `sources`.
 */
export class ScriptedSource implements EventSourceLike {
  /** The newest one made (for a test that stubs the global EventSource with this class). */
  static last: ScriptedSource | null = null
  readyState = 0
  onopen: ((event: Event) => void) | null = null
  onerror: ((event: Event) => void) | null = null
  isClosed = false
  readonly listeners = new Map<string, Array<(event: MessageEvent<string>) => void>>()
  constructor(readonly url: string) {
    ScriptedSource.last = this
  }
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }
  close() {
    this.isClosed = true
    this.readyState = 2
  }
  open() {
    this.readyState = 1
    this.onopen?.(new Event('open'))
  }
  /** Delivers `data` as it came over the wire, whatever the state of the source. */
  send(type: string, data: string, lastEventId = '') {
    const event = new MessageEvent(type, { data, lastEventId })
    for (const listener of this.listeners.get(type) ?? []) listener(event)
  }
  /** Delivers `data` as JSON on a source that is open (as every event the server sends). */
  sendJson(type: string, data: unknown, lastEventId = '') {
    this.readyState = 1
    this.send(type, JSON.stringify(data), lastEventId)
  }
  fail(readyState: 0 | 2) {
    this.readyState = readyState
    this.onerror?.(new Event('error'))
  }
}

export function scriptedSources() {
  const sources: ScriptedSource[] = []
  const connect = (url: string) => {
    const source = new ScriptedSource(url)
    sources.push(source)
    return source
  }
  return { sources, connect }
}
