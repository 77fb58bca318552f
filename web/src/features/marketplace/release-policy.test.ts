import type { Release } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import { soakStatusOf } from './release-policy'

const FLEET = { id: '00000000-0000-4000-8000-000000000001', soakMinutes: 60 }
const CHANNELS = ['canary', 'stable']
const NOW = Date.parse('2026-12-07T12:00:00.000Z')

function on(channel: string, createdAt: string, supersededAt: string | null = null, fleetId = FLEET.id): Release {
  return {
    id: '00000000-0000-4000-8000-000000000100',
    fleet: { id: fleetId, name: 'edge' },
    channel,
    package: {
      id: '00000000-0000-4000-8000-000000000200',
      packageId: '0123456789abcdef',
      modelName: 'm',
      modelVersion: '1',
      status: 'verified',
    },
    kind: 'promotion',
    rollbackOf: null,
    notes: '',
    createdBy: 'rita',
    createdAt,
    isActive: supersededAt === null,
    supersededAt,
  }
}

describe('soakStatusOf', () => {
  it('holds stable until the package was live on canary for the soak time, and says from when', () => {
    const status = soakStatusOf([on('canary', '2026-12-07T11:30:00.000Z')], FLEET, 'stable', CHANNELS, NOW)
    expect(status).toEqual({ kind: 'waiting', previousChannel: 'canary', allowedAt: '2026-12-07T12:30:00.000Z' })
    expect(soakStatusOf([on('canary', '2026-12-07T10:30:00.000Z')], FLEET, 'stable', CHANNELS, NOW).kind).toBe('soaked')
  })

  it('counts a finished stretch on canary, not one on another fleet', () => {
    const done = on('canary', '2026-12-07T08:00:00.000Z', '2026-12-07T09:30:00.000Z')
    expect(soakStatusOf([done], FLEET, 'stable', CHANNELS, NOW).kind).toBe('soaked')
    const elsewhere = on('canary', '2026-12-07T08:00:00.000Z', null, '00000000-0000-4000-8000-000000000009')
    expect(soakStatusOf([elsewhere], FLEET, 'stable', CHANNELS, NOW)).toEqual({
      kind: 'not-on-previous',
      previousChannel: 'canary',
    })
  })

  it('has nothing to say for the first channel or a fleet without soak time', () => {
    expect(soakStatusOf([], FLEET, 'canary', CHANNELS, NOW).kind).toBe('no-policy')
    expect(soakStatusOf([], { ...FLEET, soakMinutes: 0 }, 'stable', CHANNELS, NOW).kind).toBe('no-policy')
  })
})
