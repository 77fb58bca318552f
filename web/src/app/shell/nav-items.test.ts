import type { Role } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { APP_ROUTES } from '../router'
import { NAV_ITEMS } from './nav-config'
import { navItemsFor } from './nav-items'

const router = createRouter({ history: createMemoryHistory(), routes: APP_ROUTES })
const labelsFor = (roles: Role[]) =>
  navItemsFor(NAV_ITEMS, roles, (path) => router.resolve(path).meta).map((item) => item.label)

describe('navItemsFor', () => {
  it('offers a viewer the views its role can read, without Audit and Admin', () => {
    expect(labelsFor(['viewer'])).toEqual(['Dashboard', 'Training', 'Marketplace', 'FedMoE', 'Integrations'])
  })

  it('offers an operator the same views as a viewer, an auditor the audit log', () => {
    expect(labelsFor(['operator'])).toEqual(['Dashboard', 'Training', 'Marketplace', 'FedMoE', 'Integrations'])
    expect(labelsFor(['auditor'])).toContain('Audit')
    expect(labelsFor(['auditor'])).not.toContain('Admin')
  })

  it('offers an admin every view', () => {
    expect(labelsFor(['admin'])).toEqual([
      'Dashboard',
      'Training',
      'Marketplace',
      'FedMoE',
      'Integrations',
      'Audit',
      'Admin',
    ])
  })

  it('reads the roles from each view route, so an item without a gated route stays', () => {
    const items = [
      { label: 'Free', to: '/free' },
      { label: 'Gated', to: '/gated' },
    ]
    const metaOf = (path: string) => (path === '/gated' ? { loads: { 'x-roles': ['admin'] as Role[] } } : {})
    expect(navItemsFor(items, ['viewer'], metaOf).map((i) => i.label)).toEqual(['Free'])
    expect(navItemsFor(items, ['admin'], metaOf).map((i) => i.label)).toEqual(['Free', 'Gated'])
  })
})
