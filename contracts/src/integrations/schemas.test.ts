import { describe, expect, it } from 'vitest'
import {
  CONNECTOR_FORMS,
  ConnectorConfigPatchSchema,
  CreateConnectorBodySchema,
  OMNIVERSE_REMEDIATION,
  UpdateConnectorBodySchema,
} from './connectors'
import { CreateWebhookBodySchema } from './webhooks'

const issues = (r: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? []

describe('connector config schemas', () => {
  it('fills the default endpoints and refuses unknown fields', () => {
    const hf = CreateConnectorBodySchema.parse({ name: 'hub', config: { kind: 'huggingface', modelId: 'org/model-1' } })
    expect(hf.config).toEqual({ kind: 'huggingface', endpoint: 'https://huggingface.co', modelId: 'org/model-1' })
    expect(hf.enabled).toBe(true)
    const extra = CreateConnectorBodySchema.safeParse({
      name: 'x',
      config: { kind: 'huggingface', modelId: 'a/b', model_id: 'a/b' },
    })
    expect(extra.success).toBe(false)
  })

  it('refuses a model id that is not user/repo', () => {
    const r = CreateConnectorBodySchema.safeParse({
      name: 'x',
      config: { kind: 'huggingface', modelId: 'just-a-name' },
    })
    expect(issues(r)).toEqual(['config.modelId: A model id is "user/repo" (letters, digits, "_", "." and "-").'])
  })

  it('wants exactly one Formant credential and names the field', () => {
    const none = CreateConnectorBodySchema.safeParse({ name: 'f', config: { kind: 'formant' } })
    expect(issues(none)).toEqual(['config.apiKey: Give an API key or an agent token.'])
    const both = CreateConnectorBodySchema.safeParse({
      name: 'f',
      config: { kind: 'formant', apiKey: 'k1', agentToken: 't1' },
    })
    expect(issues(both)).toEqual(['config.agentToken: Give either an API key or an agent token, not both.'])
    expect(
      CreateConnectorBodySchema.safeParse({ name: 'f', config: { kind: 'formant', agentToken: 't1' } }).success,
    ).toBe(true)
  })

  it('refuses omniverse:// with the remediation, and ws URLs need ws(s)', () => {
    const r = CreateConnectorBodySchema.safeParse({
      name: 'i',
      config: { kind: 'isaac_lab', url: 'omniverse://nucleus/x' },
    })
    expect(issues(r)).toEqual([`config.url: An omniverse:// URL cannot be checked: ${OMNIVERSE_REMEDIATION}.`])
    const ros = CreateConnectorBodySchema.safeParse({
      name: 'r',
      config: { kind: 'ros2_bridge', url: 'http://robot:9090' },
    })
    expect(issues(ros)).toEqual(['config.url: The rosbridge URL must be ws:// or wss://.'])
  })

  it('a patch keeps left-out fields, lets secrets be null, and needs the kind', () => {
    expect(ConnectorConfigPatchSchema.parse({ kind: 'huggingface', token: null })).toEqual({
      kind: 'huggingface',
      token: null,
    })
    expect(ConnectorConfigPatchSchema.parse({ kind: 'formant', apiKey: 'new' })).toEqual({
      kind: 'formant',
      apiKey: 'new',
    })
    expect(ConnectorConfigPatchSchema.safeParse({ kind: 'huggingface', modelId: null }).success).toBe(false)
    expect(UpdateConnectorBodySchema.safeParse({ config: { token: 'x' } }).success).toBe(false)
  })

  it('describes a form per kind, with the credentials marked secret', () => {
    const hf = CONNECTOR_FORMS.find((f) => f.kind === 'huggingface')!
    expect(hf.fields.map((f) => [f.name, f.required, f.secret ?? false])).toEqual([
      ['endpoint', false, false],
      ['modelId', true, false],
      ['token', false, true],
    ])
    expect(hf.fields[0]).toMatchObject({ title: 'Hub endpoint', default: 'https://huggingface.co' })
    expect(CONNECTOR_FORMS.map((f) => f.kind)).toEqual(['huggingface', 'formant', 'ros2_bridge', 'isaac_lab'])
    expect(
      CONNECTOR_FORMS.find((f) => f.kind === 'formant')!
        .fields.filter((f) => f.secret)
        .map((f) => f.name),
    ).toEqual(['apiKey', 'agentToken'])
  })
})

describe('webhook schemas', () => {
  it('needs at least one event, each once', () => {
    expect(issues(CreateWebhookBodySchema.safeParse({ name: 'w', url: 'https://x.example/hook', events: [] }))).toEqual(
      ['events: Choose at least one event.'],
    )
    expect(
      CreateWebhookBodySchema.safeParse({
        name: 'w',
        url: 'https://x.example/hook',
        events: ['webhook.test', 'webhook.test'],
      }).success,
    ).toBe(false)
    expect(
      CreateWebhookBodySchema.safeParse({ name: 'w', url: 'ftp://x.example/', events: ['webhook.test'] }).success,
    ).toBe(false)
  })
})
