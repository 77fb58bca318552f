import type { Connector } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import {
  createBodyOf,
  describeSecret,
  errorKeysOf,
  formErrorsOf,
  hasChanges,
  initialFormState,
  patchBodyOf,
} from './connector-form'

const AT = '2026-12-07T10:00:00.000Z'

function formant(secrets: Connector['secrets']): Connector {
  return {
    id: '6f1c1f43-62b4-4c52-9a43-3a3f0f0e1a01',
    name: 'robots',
    kind: 'formant',
    enabled: true,
    config: { kind: 'formant', endpoint: 'https://api.formant.io' },
    secrets,
    status: 'healthy',
    lastCheck: null,
    statusChangedAt: null,
    createdAt: AT,
    updatedAt: AT,
  }
}

describe('the connector form', () => {
  it('starts a new connector from the contract form, defaults filled in', () => {
    const state = initialFormState('huggingface', null)
    expect(state.values).toEqual({ endpoint: 'https://huggingface.co', modelId: '', token: '' })
    expect(state.secretActions).toEqual({ token: 'replace' })
    expect(errorKeysOf('huggingface')).toEqual(['name', 'config.endpoint', 'config.modelId', 'config.token'])
  })

  it('creates with the filled fields only and reports the schema rules per field', () => {
    const state = initialFormState('huggingface', null)
    state.name = ' hub '
    state.values.modelId = 'not-a-repo'
    expect(createBodyOf(state)).toEqual({
      name: 'hub',
      enabled: true,
      config: { kind: 'huggingface', endpoint: 'https://huggingface.co', modelId: 'not-a-repo' },
    })
    expect(formErrorsOf(state, null)).toEqual({
      'config.modelId': 'A model id is "user/repo" (letters, digits, "_", "." and "-").',
    })
    state.values.modelId = 'org/model'
    expect(formErrorsOf(state, null)).toEqual({})
  })

  it('refuses an omniverse:// address with the remediation', () => {
    const state = initialFormState('isaac_lab', null)
    state.name = 'nucleus'
    state.values.url = 'omniverse://nucleus/Projects'
    expect(formErrorsOf(state, null)['config.url']).toMatch(/Nucleus server's HTTP address/)
  })

  it('an edit keeps credentials unless replaced or cleared, and sends only what changed', () => {
    const connector = formant({ apiKey: { set: true, setAt: AT, last4: 'wxyz' }, agentToken: { set: false } })
    const state = initialFormState('huggingface', connector)
    expect(state.kind).toBe('formant')
    expect(state.values.endpoint).toBe('https://api.formant.io')
    expect(state.secretActions).toEqual({ apiKey: 'keep', agentToken: 'keep' })
    expect(hasChanges(patchBodyOf(state, connector))).toBe(false)

    state.secretActions.apiKey = 'replace'
    state.values.apiKey = 'new-key-1234'
    expect(patchBodyOf(state, connector)).toEqual({ config: { kind: 'formant', apiKey: 'new-key-1234' } })
    expect(formErrorsOf(state, connector)).toEqual({})
  })

  it('clearing the only Formant credential is refused before sending, naming the field', () => {
    const connector = formant({ apiKey: { set: true, setAt: AT, last4: 'wxyz' }, agentToken: { set: false } })
    const state = initialFormState('formant', connector)
    state.secretActions.apiKey = 'clear'
    expect(patchBodyOf(state, connector)).toEqual({ config: { kind: 'formant', apiKey: null } })
    expect(formErrorsOf(state, connector)).toEqual({ 'config.apiKey': 'Give an API key or an agent token.' })
    // Switching to an agent token: clear one, set the other.
    state.secretActions.agentToken = 'replace'
    state.values.agentToken = 'agent-5678'
    expect(patchBodyOf(state, connector)).toEqual({
      config: { kind: 'formant', apiKey: null, agentToken: 'agent-5678' },
    })
    expect(formErrorsOf(state, connector)).toEqual({})
  })

  it('describes a credential by when it was set and its last 4 characters only', () => {
    const now = Date.parse(AT) + 3 * 60_000
    expect(describeSecret({ set: true, setAt: AT, last4: 'abcd' }, now)).toBe('set 3 minutes ago, ••••abcd')
    expect(describeSecret({ set: false })).toBe('not set')
    expect(describeSecret(undefined)).toBe('not set')
  })
})
