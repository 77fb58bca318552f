// The connector form's logic, apart from its components: the fields come from the contract's
// CONNECTOR_FORMS (derived from the config schemas), the rules from the same schemas, and a change
// is sent as the smallest patch (a credential left alone is left out, so the server keeps it).
import {
  CONNECTOR_FORMS,
  CreateConnectorBodySchema,
  UpdateConnectorBodySchema,
  formantCredentialIssue,
} from '@tg/contracts'
import type {
  Connector,
  ConnectorForm,
  ConnectorFormField,
  ConnectorKind,
  CreateConnectorBody,
  SecretState,
  UpdateConnectorBody,
} from '@tg/contracts'
import { formatRelative } from '@/shared/ui/format'

/** What to do with a stored credential: keep it, replace it with the typed value, or clear it. */
export type SecretAction = 'keep' | 'replace' | 'clear'

export type ConnectorFormState = {
  name: string
  enabled: boolean
  kind: ConnectorKind
  /** Every field's text, credentials included (a credential's text is only sent when replaced). */
  values: Record<string, string>
  secretActions: Record<string, SecretAction>
}

export function formOf(kind: ConnectorKind): ConnectorForm {
  const form = CONNECTOR_FORMS.find((f) => f.kind === kind)
  if (!form) throw new Error(`no form for ${kind}`)
  return form
}

/** The error key of a field, as the server's 422 issues name it (`config.modelId`). */
export const fieldKey = (field: Pick<ConnectorFormField, 'name'>) => `config.${field.name}`

/** The form's keys whose server issues are shown beside their field. */
export function errorKeysOf(kind: ConnectorKind): string[] {
  return ['name', ...formOf(kind).fields.map(fieldKey)]
}

/** A new connector of `kind` (defaults filled in), or the form of an existing one (credentials kept). */
export function initialFormState(kind: ConnectorKind, connector: Connector | null): ConnectorFormState {
  const form = formOf(connector?.kind ?? kind)
  const config = (connector?.config ?? {}) as Record<string, unknown>
  const values: Record<string, string> = {}
  const secretActions: Record<string, SecretAction> = {}
  for (const field of form.fields) {
    if (field.secret) {
      values[field.name] = ''
      secretActions[field.name] = connector ? 'keep' : 'replace'
    } else {
      const current = config[field.name]
      values[field.name] = typeof current === 'string' ? current : (field.default ?? '')
    }
  }
  return { name: connector?.name ?? '', enabled: connector?.enabled ?? true, kind: form.kind, values, secretActions }
}

/** The create request: every filled field; an empty optional field is left out. */
export function createBodyOf(state: ConnectorFormState): CreateConnectorBody {
  const config: Record<string, string> = { kind: state.kind }
  for (const field of formOf(state.kind).fields) {
    const value = state.values[field.name]?.trim() ?? ''
    if (value !== '') config[field.name] = value
  }
  return { name: state.name.trim(), enabled: state.enabled, config } as unknown as CreateConnectorBody
}

/** The change request: only what differs from `connector`; null clears a credential. */
export function patchBodyOf(state: ConnectorFormState, connector: Connector): UpdateConnectorBody {
  const body: UpdateConnectorBody = {}
  if (state.name.trim() !== connector.name) body.name = state.name.trim()
  if (state.enabled !== connector.enabled) body.enabled = state.enabled
  const current = connector.config as Record<string, unknown>
  const config: Record<string, string | null> = {}
  for (const field of formOf(connector.kind).fields) {
    const value = state.values[field.name]?.trim() ?? ''
    if (field.secret) {
      const action = state.secretActions[field.name] ?? 'keep'
      if (action === 'clear' && connector.secrets[field.name]?.set) config[field.name] = null
      else if (action === 'replace' && value !== '') config[field.name] = value
    } else if (value !== (typeof current[field.name] === 'string' ? current[field.name] : '')) {
      config[field.name] = value
    }
  }
  if (Object.keys(config).length > 0) body.config = { kind: connector.kind, ...config }
  return body
}

export function hasChanges(body: UpdateConnectorBody): boolean {
  return Object.keys(body).length > 0
}

/** Whether a credential will be set after the change (kept and set, or replaced with a value). */
function willBeSet(state: ConnectorFormState, connector: Connector | null, name: string): boolean {
  const action = state.secretActions[name] ?? 'keep'
  if (action === 'replace') return (state.values[name]?.trim() ?? '') !== ''
  if (action === 'clear') return false
  return connector?.secrets[name]?.set ?? false
}

/**
 * The first problem of each field under the contract's schemas (create or patch), by error key,
 * so that the form shows inline what the server would refuse with 422. Empty when valid.
 */
export function formErrorsOf(state: ConnectorFormState, connector: Connector | null): Record<string, string> {
  const result = connector
    ? UpdateConnectorBodySchema.safeParse(patchBodyOf(state, connector))
    : CreateConnectorBodySchema.safeParse(createBodyOf(state))
  const out: Record<string, string> = {}
  if (!result.success)
    for (const issue of result.error.issues) {
      const key = issue.path.map(String).join('.')
      out[key] ??= issue.message
    }
  // A change is checked against the stored credentials too: exactly one Formant credential.
  if (connector && state.kind === 'formant') {
    const issue = formantCredentialIssue({
      apiKey: willBeSet(state, connector, 'apiKey'),
      agentToken: willBeSet(state, connector, 'agentToken'),
    })
    if (issue) out[`config.${issue.path}`] ??= issue.message
  }
  return out
}

/** "set 3 minutes ago, ••••abcd" or "not set": never a credential's value. */
export function describeSecret(state: SecretState | undefined, now: number = Date.now()): string {
  if (!state?.set) return 'not set'
  return `set ${formatRelative(state.setAt, now)}, ••••${state.last4}`
}
