import { createPublisherRoute, getSetupStatusRoute, listPackagesRoute, uploadPackageRoute } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import { isAllowed } from './access'

describe('isAllowed', () => {
  it('follows the roles that the route itself allows', () => {
    expect(isAllowed(uploadPackageRoute, ['publisher'])).toBe(true)
    expect(isAllowed(uploadPackageRoute, ['viewer', 'release-manager'])).toBe(false)
    expect(isAllowed(createPublisherRoute, ['admin'])).toBe(true)
    expect(isAllowed(createPublisherRoute, ['publisher'])).toBe(false)
  })

  it('allows public routes to anyone and protected ones to nobody without roles', () => {
    expect(isAllowed(getSetupStatusRoute, [])).toBe(true)
    expect(isAllowed(listPackagesRoute, [])).toBe(false)
  })
})
