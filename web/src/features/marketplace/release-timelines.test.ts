import type { Fleet, Release } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import { buildFleetTimelines, canRollBackTo, mergeReleases, releaseEmptyReasonOf } from './release-timelines'

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

const fleet = (n: number, name: string, status: Fleet['status'] = 'active'): Fleet => ({
  id: id(n),
  name,
  description: '',
  soakMinutes: 0,
  health: null,
  status,
  createdAt: '2026-11-01T00:00:00.000Z',
  archivedAt: status === 'archived' ? '2026-11-02T00:00:00.000Z' : null,
})

const EDGE = fleet(1, 'edge')
const LAB = fleet(2, 'lab')
const OLD = fleet(3, 'old', 'archived')

function release(n: number, of: Fleet, channel: string, createdAt: string, isActive: boolean): Release {
  return {
    id: id(100 + n),
    fleet: { id: of.id, name: of.name },
    channel,
    package: {
      id: id(200 + n),
      packageId: '0123456789abcdef',
      modelName: 'm',
      modelVersion: String(n),
      status: 'verified',
    },
    kind: 'promotion',
    rollbackOf: null,
    notes: '',
    createdBy: 'rita',
    createdAt,
    isActive,
    supersededAt: isActive ? null : '2026-11-20T00:00:00.000Z',
  }
}

describe('buildFleetTimelines', () => {
  const releases = [
    release(1, EDGE, 'stable', '2026-11-10T00:00:00.000Z', false),
    release(2, EDGE, 'stable', '2026-11-20T00:00:00.000Z', true),
    release(3, EDGE, 'canary', '2026-11-15T00:00:00.000Z', true),
    release(4, EDGE, 'stable', '2026-11-05T00:00:00.000Z', false),
    release(5, OLD, 'stable', '2026-11-05T00:00:00.000Z', true),
    release(6, EDGE, 'nightly', '2026-11-01T00:00:00.000Z', false),
  ]

  it('gives each active fleet its channels in promotion order, live first, history newest first', () => {
    const [edge, lab, ...rest] = buildFleetTimelines(releases, [EDGE, LAB, OLD], ['canary', 'stable', 'beta'])
    expect(rest).toEqual([])
    expect(edge?.fleet.name).toBe('edge')
    expect(edge?.channels.map((c) => c.channel)).toEqual(['canary', 'stable', 'beta', 'nightly'])
    const stable = edge?.channels[1]
    expect(stable?.live?.package.modelVersion).toBe('2')
    expect(stable?.history.map((r) => r.package.modelVersion)).toEqual(['1', '4'])
    expect(edge?.channels[2]).toEqual({ channel: 'beta', live: null, history: [] })
    expect(lab?.channels.map((c) => c.channel)).toEqual(['canary', 'stable', 'beta'])
  })

  it('offers rollback only to releases that were live and were replaced', () => {
    const live = release(2, EDGE, 'stable', '2026-11-10T00:00:00.000Z', true)
    expect(canRollBackTo(release(1, EDGE, 'stable', '2026-11-10T00:00:00.000Z', false), live)).toBe(true)
    expect(canRollBackTo(live, live)).toBe(false)
  })

  it('does not offer rollback to an older release of the package that is live now', () => {
    const live = release(2, EDGE, 'stable', '2026-11-20T00:00:00.000Z', true)
    const older = { ...release(1, EDGE, 'stable', '2026-11-10T00:00:00.000Z', false), package: live.package }
    expect(canRollBackTo(older, live)).toBe(false)
    expect(canRollBackTo(older, null)).toBe(true)
  })
})

describe('releaseEmptyReasonOf', () => {
  const timelines = buildFleetTimelines([], [EDGE], ['stable'])

  it('asks for a fleet first, then for a release', () => {
    expect(releaseEmptyReasonOf([], 0, undefined)).toBe('no-fleets')
    expect(releaseEmptyReasonOf(timelines, 0, undefined)).toBe('nothing-released')
    expect(releaseEmptyReasonOf(timelines, 3, undefined)).toBeNull()
  })

  it('shows a chosen active fleet even before its first release, and says when the fleet is not active', () => {
    expect(releaseEmptyReasonOf(timelines, 0, EDGE.id)).toBeNull()
    expect(releaseEmptyReasonOf(timelines, 0, OLD.id)).toBe('unknown-fleet')
  })
})

describe('mergeReleases', () => {
  it('shows a live release older than the loaded pages, and no release twice', () => {
    const canary = release(3, EDGE, 'canary', '2026-11-15T00:00:00.000Z', true)
    const oldStable = release(2, EDGE, 'stable', '2026-10-01T00:00:00.000Z', true)
    const merged = mergeReleases([canary], [canary, oldStable])
    expect(merged.map((r) => r.id)).toEqual([canary.id, oldStable.id])
    const [edge] = buildFleetTimelines(merged, [EDGE], ['canary', 'stable'])
    expect(edge?.channels.map((c) => [c.channel, c.live?.id])).toEqual([
      ['canary', canary.id],
      ['stable', oldStable.id],
    ])
  })
})
