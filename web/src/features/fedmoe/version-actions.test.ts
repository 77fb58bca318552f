import type { ExpertDeployment } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import { deployChannelsOf, describeSwitch, rollbackTargetsOf, statusMovesOf } from './version-actions'

const V1 = { id: '11111111-1111-4111-8111-111111111111', version: '1.0.0', status: 'validated' as const }
const V2 = { id: '22222222-2222-4222-8222-222222222222', version: '1.1.0', status: 'deployed' as const }
const V3 = { id: '33333333-3333-4333-8333-333333333333', version: '0.9.0', status: 'archived' as const }

const row = (versionId: string, version: string, channel: string, endedAt: string | null): ExpertDeployment => ({
  id: crypto.randomUUID(),
  expertId: '99999999-9999-4999-8999-999999999999',
  channel,
  versionId,
  version,
  action: 'deploy',
  reason: '',
  deployedAt: '2026-12-01T00:00:00.000Z',
  deployedBy: 'ada',
  endedAt,
})

describe('status moves', () => {
  it('offers only what EXPERT_TRANSITIONS allows through the status route (a deployed version leaves by deploy or rollback)', () => {
    expect(statusMovesOf('adapting')).toEqual(['validated', 'archived'])
    expect(statusMovesOf('validated')).toEqual(['archived'])
    expect(statusMovesOf('deployed')).toEqual([])
    expect(statusMovesOf('archived')).toEqual([])
  })
})

describe('deploy channels', () => {
  const live = [{ channel: 'stable', versionId: V2.id, version: V2.version }]
  it('lists channels the version is not live on, for validated or deployed versions only', () => {
    expect(deployChannelsOf(V1, ['canary', 'stable'], live)).toEqual(['canary', 'stable'])
    expect(deployChannelsOf(V2, ['canary', 'stable'], live)).toEqual(['canary'])
    expect(deployChannelsOf({ ...V1, status: 'adapting' }, ['canary'], live)).toEqual([])
  })
})

describe('rollback targets', () => {
  it('lists validated versions live on the channel before, not the current one, each once', () => {
    const history = [
      row(V2.id, '1.1.0', 'stable', null),
      row(V1.id, '1.0.0', 'stable', 'x'),
      row(V1.id, '1.0.0', 'stable', 'y'),
      row(V3.id, '0.9.0', 'stable', 'z'),
      row(V1.id, '1.0.0', 'canary', 'w'),
    ]
    const live = [{ channel: 'stable', versionId: V2.id, version: V2.version }]
    expect(rollbackTargetsOf('stable', history, [V1, V2, V3], live)).toEqual([V1])
    expect(rollbackTargetsOf('canary', history, [V1, V2, V3], [])).toEqual([V1])
    expect(rollbackTargetsOf('edge', history, [V1, V2, V3], [])).toEqual([])
  })
})

describe('switch summary', () => {
  it('says what is live now and what will be', () => {
    expect(describeSwitch('stable', '1.1.0', null)).toBe('Nothing is live on stable now; 1.1.0 will be.')
    expect(describeSwitch('stable', '1.0.0', { channel: 'stable', versionId: V2.id, version: '1.1.0' })).toBe(
      '1.1.0 is live on stable now; 1.0.0 will be, and 1.1.0 leaves stable.',
    )
  })
})
