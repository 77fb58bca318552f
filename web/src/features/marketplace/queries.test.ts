import { describe, expect, it } from 'vitest'
import { marketplaceKeys } from './queries'

const startsWith = (key: readonly unknown[], prefix: readonly unknown[]) => prefix.every((part, i) => key[i] === part)

describe('marketplace query keys', () => {
  it('nest under the prefixes that mutations invalidate', () => {
    expect(startsWith(marketplaceKeys.packages.list({ q: 'a' }), marketplaceKeys.packages.all)).toBe(true)
    expect(startsWith(marketplaceKeys.packages.detail('id'), marketplaceKeys.packages.all)).toBe(true)
    expect(startsWith(marketplaceKeys.releases.list({ fleetId: 'f' }), marketplaceKeys.releases.all)).toBe(true)
    expect(startsWith(marketplaceKeys.releases.pages({ fleetId: 'f' }, 20), marketplaceKeys.releases.all)).toBe(true)
    expect(startsWith(marketplaceKeys.releases.live({ fleetId: 'f' }), marketplaceKeys.releases.all)).toBe(true)
    expect(startsWith(marketplaceKeys.fleets.list(true), marketplaceKeys.fleets.all)).toBe(true)
    for (const prefix of [marketplaceKeys.packages.all, marketplaceKeys.publishers.all, marketplaceKeys.channels.all])
      expect(startsWith(prefix, marketplaceKeys.all)).toBe(true)
  })

  it('keep different filters apart', () => {
    expect(marketplaceKeys.packages.list({ sort: 'modelName' })).not.toEqual(marketplaceKeys.packages.list({}))
    expect(marketplaceKeys.fleets.list(true)).not.toEqual(marketplaceKeys.fleets.list(false))
  })
})
