import { describe, expect, it } from 'vitest'
import {
  arenaQueryOf,
  arenaStateOf,
  expertFiltersOf,
  familyStateOf,
  isArenaReady,
  traceQueryOf,
  traceStateOf,
} from './url-state'

const A = '11111111-1111-4111-8111-111111111111'
const B = '22222222-2222-4222-8222-222222222222'
const C = '33333333-3333-4333-8333-333333333333'
const D = '44444444-4444-4444-8444-444444444444'
const E = '55555555-5555-4555-8555-555555555555'

describe('experts list filters', () => {
  it('keeps known statuses and trimmed text, drops the rest', () => {
    expect(expertFiltersOf({ status: 'validated', baseModel: ' pi-0 ', q: '', cursor: 'abc' })).toEqual({
      status: 'validated',
      baseModel: 'pi-0',
      cursor: 'abc',
    })
    expect(expertFiltersOf({ status: 'live' })).toEqual({})
  })
})

describe('family page state', () => {
  it('keeps a uuid version and a known evidence type', () => {
    expect(familyStateOf({ version: A, evidenceType: 'PEER_REVIEW' })).toEqual({
      version: A,
      evidenceType: 'PEER_REVIEW',
    })
    expect(familyStateOf({ version: 'v1', evidenceType: 'peer' })).toEqual({})
  })
})

describe('arena state', () => {
  it('reads up to four distinct versions and a baseline among them', () => {
    const state = arenaStateOf({ versions: `${A},${B},${A},bad,${C},${D},${E}`, benchmark: 'libero', baseline: C })
    expect(state).toEqual({ versions: [A, B, C, D], benchmark: 'libero', baseline: C, metric: undefined })
    expect(isArenaReady(state)).toBe(true)
  })

  it('falls back to the first version as baseline and is not ready without two versions and a benchmark', () => {
    expect(arenaStateOf({ versions: A, baseline: B }).baseline).toBe(A)
    expect(isArenaReady(arenaStateOf({ versions: A, benchmark: 'x' }))).toBe(false)
    expect(isArenaReady(arenaStateOf({ versions: `${A},${B}` }))).toBe(false)
  })

  it('writes back a clean URL', () => {
    expect(arenaQueryOf({ versions: [A, B], benchmark: 'libero', baseline: A })).toEqual({
      versions: `${A},${B}`,
      benchmark: 'libero',
    })
    expect(arenaQueryOf({ versions: [A, B], benchmark: 'libero', baseline: B, metric: 'sr' })).toEqual({
      versions: `${A},${B}`,
      benchmark: 'libero',
      baseline: B,
      metric: 'sr',
    })
  })
})

describe('trace viewer state', () => {
  it('defaults to all traces, failures below 0.5, first page', () => {
    expect(traceStateOf({ versions: `${A},${B}`, benchmark: 'b' })).toEqual({
      versions: [A, B],
      benchmark: 'b',
      filter: 'all',
      failuresBelow: 0.5,
      cursor: undefined,
    })
  })

  it('reads the filter, threshold and cursor, and round-trips without defaults', () => {
    const state = traceStateOf({
      versions: `${A},${B}`,
      benchmark: 'b',
      filter: 'disagreements',
      failuresBelow: '0.8',
      cursor: 'k',
    })
    expect(state.filter).toBe('disagreements')
    expect(state.failuresBelow).toBe(0.8)
    expect(traceQueryOf(state)).toEqual({
      versions: `${A},${B}`,
      benchmark: 'b',
      filter: 'disagreements',
      failuresBelow: '0.8',
      cursor: 'k',
    })
    expect(traceStateOf({ filter: 'odd', failuresBelow: '7' })).toMatchObject({ filter: 'all', failuresBelow: 0.5 })
  })
})
