import type { Webhook } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import {
  SUBSCRIBABLE_EVENTS,
  describeEvents,
  initialWebhookState,
  webhookCreateBodyOf,
  webhookFieldErrors,
  webhookPatchOf,
} from './webhook-form'

const AT = '2026-12-07T10:00:00.000Z'
const WEBHOOK: Webhook = {
  id: '6f1c1f43-62b4-4c52-9a43-3a3f0f0e1a02',
  name: 'ci',
  url: 'https://ci.example/hook',
  events: ['release.promoted'],
  enabled: true,
  disabledReason: null,
  secretSetAt: AT,
  secretLast4: 'abcd',
  createdAt: AT,
  updatedAt: AT,
}

describe('the webhook form', () => {
  it('offers every event of the contract but the test event', () => {
    expect(SUBSCRIBABLE_EVENTS.map((e) => e.value)).toContain('integration.status_changed')
    expect(SUBSCRIBABLE_EVENTS.map((e) => e.value)).not.toContain('webhook.test')
    expect(SUBSCRIBABLE_EVENTS).toHaveLength(8)
  })

  it('needs a name, an http(s) URL and at least one event', () => {
    const state = initialWebhookState(null)
    expect(Object.keys(webhookFieldErrors(state)).sort()).toEqual(['events', 'name', 'url'])
    state.name = 'ci'
    state.url = 'ftp://ci.example/'
    state.events = ['release.promoted']
    expect(Object.keys(webhookFieldErrors(state))).toEqual(['url'])
    state.url = 'https://ci.example/hook'
    expect(webhookFieldErrors(state)).toEqual({})
  })

  it('sends events in the contract order and an edit only what changed', () => {
    const state = initialWebhookState(WEBHOOK)
    expect(webhookPatchOf(state, WEBHOOK)).toEqual({})
    state.events = ['package.verified', 'release.promoted']
    expect(webhookCreateBodyOf(state).events).toEqual(['release.promoted', 'package.verified'])
    expect(webhookPatchOf(state, WEBHOOK)).toEqual({ events: ['release.promoted', 'package.verified'] })
    state.enabled = false
    expect(webhookPatchOf(state, WEBHOOK)).toMatchObject({ enabled: false })
    expect(describeEvents(['package.verified', 'release.promoted'])).toBe('Release promoted, Package verified')
  })
})
