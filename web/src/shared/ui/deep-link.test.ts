import { describe, expect, it } from 'vitest'
import { absoluteLinkOf, indexOf, uuidOf } from './deep-link'

describe('deep links', () => {
  it('makes an absolute URL of a console path with its query', () => {
    expect(absoluteLinkOf('/audit?entry=12', 'https://console.example')).toBe('https://console.example/audit?entry=12')
  })

  it('reads a sequence number or round index, refusing anything else', () => {
    expect(indexOf({ entry: '0' }, 'entry')).toBe(0)
    expect(indexOf({ entry: '42' }, 'entry')).toBe(42)
    for (const bad of ['', '-1', '01', '1.5', 'x', '1e3']) expect(indexOf({ entry: bad }, 'entry')).toBeNull()
    expect(indexOf({}, 'entry')).toBeNull()
  })

  it('reads a release id only when it is a UUID', () => {
    const id = '0190a1b2-c3d4-4e5f-8a9b-0c1d2e3f4a5b'
    expect(uuidOf({ release: id.toUpperCase() }, 'release')).toBe(id)
    expect(uuidOf({ release: 'nope' }, 'release')).toBeNull()
  })
})
