import { mount } from '@vue/test-utils'
import type { ConnectorFormField, SecretState } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import type { SecretAction } from '../connector-form'
import ConnectorSecretField from './ConnectorSecretField.vue'

const FIELD: ConnectorFormField = {
  name: 'apiKey',
  title: 'API key',
  description: 'An admin API key.',
  secret: true,
  required: false,
}
const SET: SecretState = { set: true, setAt: new Date(Date.now() - 120_000).toISOString(), last4: 'wxyz' }

function render(state: SecretState | undefined, isNew = false) {
  const value = ref('')
  const action = ref<SecretAction>(isNew ? 'replace' : 'keep')
  const Host = defineComponent(
    () => () =>
      h(ConnectorSecretField, {
        field: FIELD,
        inputId: 'connector-field-apiKey',
        state,
        isNew,
        value: value.value,
        'onUpdate:value': (next: string) => (value.value = next),
        action: action.value,
        'onUpdate:action': (next: SecretAction) => (action.value = next),
      }),
  )
  return { wrapper: mount(Host), value, action }
}

const button = (wrapper: ReturnType<typeof mount>, name: string) =>
  wrapper.findAll('button').find((b) => b.text() === name)

describe('a stored credential in the connector form', () => {
  it('shows that it is set, when and its last 4 characters, with no input until Replace', async () => {
    const { wrapper, action } = render(SET)
    expect(wrapper.get('[data-testid="secret-state"]').text()).toBe('set 2 minutes ago, ••••wxyz')
    expect(wrapper.find('input').exists()).toBe(false)
    await button(wrapper, 'Replace')!.trigger('click')
    expect(action.value).toBe('replace')
    expect(wrapper.get('input').attributes('type')).toBe('password')
    await button(wrapper, 'Keep as is')!.trigger('click')
    expect(action.value).toBe('keep')
  })

  it('Clear says it will be cleared; a credential that is not set offers Set and no Clear', async () => {
    const stored = render(SET)
    await button(stored.wrapper, 'Clear')!.trigger('click')
    expect(stored.action.value).toBe('clear')
    expect(stored.wrapper.get('[data-testid="secret-state"]').text()).toBe('Will be cleared when you save.')

    const unset = render({ set: false })
    expect(unset.wrapper.get('[data-testid="secret-state"]').text()).toBe('not set')
    expect(button(unset.wrapper, 'Set')).toBeDefined()
    expect(button(unset.wrapper, 'Clear')).toBeUndefined()
  })

  it('a new connector types the credential at once', () => {
    const { wrapper } = render(undefined, true)
    expect(wrapper.find('[data-testid="secret-state"]').exists()).toBe(false)
    expect(wrapper.get('input').attributes('id')).toBe('connector-field-apiKey')
    expect(wrapper.findAll('button')).toHaveLength(0)
  })
})
