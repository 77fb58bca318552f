import { z } from 'zod'
import { TimestampSchema } from '../common/pagination'

export const CONNECTOR_KINDS = ['huggingface', 'formant', 'ros2_bridge', 'isaac_lab'] as const
export const ConnectorKindSchema = z.enum(CONNECTOR_KINDS).meta({ id: 'ConnectorKind' })
export type ConnectorKind = z.infer<typeof ConnectorKindSchema>

export const CONNECTOR_KIND_LABELS: Record<ConnectorKind, string> = {
  huggingface: 'Hugging Face Hub',
  formant: 'Formant',
  ros2_bridge: 'ROS 2 bridge (rosbridge)',
  isaac_lab: 'Isaac Lab / Omniverse Nucleus',
}

/** What the console needs to draw a form field; read back with `fieldMetaOf`. */
export type FieldMeta = { title: string; description: string; placeholder?: string; secret?: boolean }
const field = (meta: FieldMeta) => meta

const httpUrl = (what: string) =>
  z
    .string()
    .trim()
    .max(2000)
    .refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), `${what} must be an http:// or https:// URL.`)

const secret = (meta: Omit<FieldMeta, 'secret'>) =>
  z
    .string()
    .min(1)
    .max(4096)
    .refine((v) => !/\s/.test(v), 'A credential has no spaces or line breaks.')
    .meta(field({ ...meta, secret: true }))

export const HF_MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}\/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$/

export const HuggingfaceConfigSchema = z
  .object({
    kind: z.literal('huggingface'),
    endpoint: httpUrl('The Hub endpoint')
      .default('https://huggingface.co')
      .meta(
        field({
          title: 'Hub endpoint',
          description: 'The Hub or an on-premises mirror.',
          placeholder: 'https://huggingface.co',
        }),
      ),
    modelId: z
      .string()
      .trim()
      .regex(HF_MODEL_ID, 'A model id is "user/repo" (letters, digits, "_", "." and "-").')
      .meta(
        field({
          title: 'Model id',
          description: 'The model repository, as user/repo.',
          placeholder: 'meta-llama/Llama-3.1-8B',
        }),
      ),
    token: secret({
      title: 'Access token',
      description: 'A token with read access, for private or gated models.',
      placeholder: 'hf_…',
    }).optional(),
  })
  .strict()
  .meta({ id: 'HuggingfaceConfig' })

const FormantBase = z
  .object({
    kind: z.literal('formant'),
    endpoint: httpUrl('The Formant API endpoint')
      .default('https://api.formant.io')
      .meta(field({ title: 'API endpoint', description: 'The Formant API.', placeholder: 'https://api.formant.io' })),
    apiKey: secret({ title: 'API key', description: 'An admin API key (give this or an agent token).' }).optional(),
    agentToken: secret({
      title: 'Agent token',
      description: 'A device agent token (give this or an API key).',
    }).optional(),
  })
  .strict()

/** Exactly one of the two Formant credentials; the issue names the field to fix. */
export function formantCredentialIssue(has: {
  apiKey: boolean
  agentToken: boolean
}): { path: string; message: string } | null {
  if (has.apiKey && has.agentToken)
    return { path: 'agentToken', message: 'Give either an API key or an agent token, not both.' }
  if (!has.apiKey && !has.agentToken) return { path: 'apiKey', message: 'Give an API key or an agent token.' }
  return null
}

export const FormantConfigSchema = FormantBase.superRefine((v, ctx) => {
  const issue = formantCredentialIssue({ apiKey: v.apiKey !== undefined, agentToken: v.agentToken !== undefined })
  if (issue) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message })
}).meta({ id: 'FormantConfig' })

export const OMNIVERSE_REMEDIATION = "give the Nucleus server's HTTP address (for example http://nucleus.example:8080)"

export const Ros2BridgeConfigSchema = z
  .object({
    kind: z.literal('ros2_bridge'),
    url: z
      .string()
      .trim()
      .max(2000)
      .refine((v) => /^wss?:\/\//i.test(v) && URL.canParse(v), 'The rosbridge URL must be ws:// or wss://.')
      .meta(
        field({
          title: 'rosbridge URL',
          description: 'The rosbridge v2 websocket.',
          placeholder: 'ws://robot.example:9090',
        }),
      ),
  })
  .strict()
  .meta({ id: 'Ros2BridgeConfig' })

export const IsaacLabConfigSchema = z
  .object({
    kind: z.literal('isaac_lab'),
    url: z
      .string()
      .trim()
      .max(2000)
      .refine((v) => !/^omniverse:\/\//i.test(v), `An omniverse:// URL cannot be checked: ${OMNIVERSE_REMEDIATION}.`)
      .refine(
        (v) => /^omniverse:\/\//i.test(v) || (/^https?:\/\//i.test(v) && URL.canParse(v)),
        'The URL must be http:// or https://.',
      )
      .meta(
        field({
          title: 'Nucleus HTTP address',
          description: 'The Omniverse Nucleus (or Isaac Lab) server over HTTP.',
          placeholder: 'http://nucleus.example:8080',
        }),
      ),
  })
  .strict()
  .meta({ id: 'IsaacLabConfig' })

/** A connector's whole configuration, secrets included: what a create request carries. */
export const ConnectorConfigSchema = z
  .discriminatedUnion('kind', [
    HuggingfaceConfigSchema,
    FormantConfigSchema,
    Ros2BridgeConfigSchema,
    IsaacLabConfigSchema,
  ])
  .meta({ id: 'ConnectorConfig' })
export type ConnectorConfig = z.infer<typeof ConnectorConfigSchema>

const CONFIG_OBJECTS = {
  huggingface: HuggingfaceConfigSchema,
  formant: FormantBase,
  ros2_bridge: Ros2BridgeConfigSchema,
  isaac_lab: IsaacLabConfigSchema,
} as const

/** Fields of a kind that are credentials: sealed at rest, never returned. */
export const SECRET_FIELDS: Record<ConnectorKind, readonly string[]> = {
  huggingface: ['token'],
  formant: ['apiKey', 'agentToken'],
  ros2_bridge: [],
  isaac_lab: [],
}

/** The form of one field, for the console to render from the contract. */
export type ConnectorFormField = FieldMeta & { name: string; required: boolean; default?: string }
export type ConnectorForm = { kind: ConnectorKind; label: string; fields: ConnectorFormField[] }

/** One form per kind, derived from the config schemas' shapes and metadata. */
export const CONNECTOR_FORMS: readonly ConnectorForm[] = CONNECTOR_KINDS.map((kind) => {
  const shape = CONFIG_OBJECTS[kind].shape as Record<string, z.ZodType>
  const fields = Object.entries(shape)
    .filter(([name]) => name !== 'kind')
    .map(([name, schema]) => {
      const meta = (schema.meta() ??
        (schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType).meta() : undefined) ??
        {}) as FieldMeta
      const dflt = schema instanceof z.ZodDefault ? String(schema.def.defaultValue) : undefined
      return {
        name,
        title: meta.title,
        description: meta.description,
        ...(meta.placeholder ? { placeholder: meta.placeholder } : {}),
        ...(meta.secret ? { secret: true } : {}),
        required: !schema.safeParse(undefined).success,
        ...(dflt !== undefined ? { default: dflt } : {}),
      }
    })
  return { kind, label: CONNECTOR_KIND_LABELS[kind], fields }
})

/** A change of configuration: fields left out are kept; a secret set to null is cleared. */
const nullableSecrets = <T extends z.ZodRawShape>(shape: T, secrets: readonly string[]) =>
  Object.fromEntries(
    Object.entries(shape).map(([k, s]) => [
      k,
      k === 'kind'
        ? s
        : secrets.includes(k)
          ? (s as z.ZodOptional<z.ZodString>).unwrap().nullable().optional()
          : (s instanceof z.ZodDefault ? (s.unwrap() as z.ZodType) : (s as z.ZodType)).optional(),
    ]),
  )

const patchOf = <K extends ConnectorKind>(kind: K) => {
  const base = CONFIG_OBJECTS[kind]
  return z.object(nullableSecrets(base.shape, SECRET_FIELDS[kind])).strict()
}

export const ConnectorConfigPatchSchema = z
  .discriminatedUnion('kind', [
    patchOf('huggingface') as unknown as z.ZodObject<{ kind: z.ZodLiteral<'huggingface'> }>,
    patchOf('formant') as unknown as z.ZodObject<{ kind: z.ZodLiteral<'formant'> }>,
    patchOf('ros2_bridge') as unknown as z.ZodObject<{ kind: z.ZodLiteral<'ros2_bridge'> }>,
    patchOf('isaac_lab') as unknown as z.ZodObject<{ kind: z.ZodLiteral<'isaac_lab'> }>,
  ])
  .meta({
    id: 'ConnectorConfigPatch',
    description:
      'The kind (unchanged) and the fields to change. A credential left out is kept, null clears it, a string replaces it.',
  })
export type ConnectorConfigPatch = { kind: ConnectorKind } & Record<string, string | null | undefined>

/** The configuration as the server returns it: every field but the credentials. */
export const ConnectorPublicConfigSchema = z
  .discriminatedUnion('kind', [
    HuggingfaceConfigSchema.omit({ token: true }),
    FormantBase.omit({ apiKey: true, agentToken: true }),
    Ros2BridgeConfigSchema,
    IsaacLabConfigSchema,
  ])
  .meta({ id: 'ConnectorPublicConfig' })
export type ConnectorPublicConfig = z.infer<typeof ConnectorPublicConfigSchema>

export const SecretStateSchema = z
  .discriminatedUnion('set', [
    z.object({ set: z.literal(true), setAt: TimestampSchema, last4: z.string().max(4) }),
    z.object({ set: z.literal(false) }),
  ])
  .meta({
    id: 'SecretState',
    description: 'Whether a credential is set, when, and its last 4 characters: never its value.',
  })
export type SecretState = z.infer<typeof SecretStateSchema>

export const CONNECTOR_STATUSES = ['unknown', 'healthy', 'degraded', 'unhealthy'] as const
export const ConnectorStatusSchema = z.enum(CONNECTOR_STATUSES).meta({ id: 'ConnectorStatus' })
export type ConnectorStatus = z.infer<typeof ConnectorStatusSchema>

export const CHECK_REASONS = [
  'slow',
  'rate_limited',
  'unauthorized',
  'not_found',
  'unreachable',
  'timeout',
  'tls',
  'refused_by_guard',
  'bad_response',
  'server_error',
] as const
export const CheckReasonSchema = z.enum(CHECK_REASONS).meta({
  id: 'CheckReason',
  description: 'Why a check was not healthy: slow and rate_limited make it degraded, the others unhealthy.',
})
export type CheckReason = z.infer<typeof CheckReasonSchema>

export const HuggingfaceDetailsSchema = z.object({
  kind: z.literal('huggingface'),
  modelId: z.string(),
  sizeBytes: z.number().int().nonnegative().nullable(),
  lastModified: TimestampSchema.nullable(),
  private: z.boolean(),
})
export const Ros2BridgeDetailsSchema = z.object({
  kind: z.literal('ros2_bridge'),
  topicCount: z.number().int().nonnegative(),
  topics: z.array(z.string()).max(200).meta({ description: 'The first 200 topics.' }),
})
export const HttpDetailsSchema = z.object({
  kind: z.enum(['formant', 'isaac_lab']),
  httpStatus: z.number().int(),
})
export const CheckDetailsSchema = z
  .union([HuggingfaceDetailsSchema, Ros2BridgeDetailsSchema, HttpDetailsSchema])
  .meta({ id: 'CheckDetails', description: 'What a healthy (or degraded) check found, per kind.' })
export type CheckDetails = z.infer<typeof CheckDetailsSchema>

export const ConnectorCheckResultSchema = z
  .object({
    id: z.uuid(),
    connectorId: z.uuid(),
    status: ConnectorStatusSchema.exclude(['unknown']),
    reason: CheckReasonSchema.nullable(),
    remediation: z.string().nullable().meta({ description: 'What to do about it, shown verbatim.' }),
    message: z.string(),
    latencyMs: z.number().int().nonnegative().nullable(),
    details: CheckDetailsSchema.nullable(),
    checkedAt: TimestampSchema,
  })
  .meta({ id: 'ConnectorCheckResult' })
export type ConnectorCheckResult = z.infer<typeof ConnectorCheckResultSchema>

export const ConnectorSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: ConnectorKindSchema,
    enabled: z.boolean().meta({ description: 'Disabled connectors are not checked on schedule.' }),
    config: ConnectorPublicConfigSchema,
    secrets: z
      .record(z.string(), SecretStateSchema)
      .meta({ description: 'One entry per credential field of the kind.' }),
    status: ConnectorStatusSchema,
    lastCheck: ConnectorCheckResultSchema.nullable(),
    statusChangedAt: TimestampSchema.nullable(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: 'Connector' })
export type Connector = z.infer<typeof ConnectorSchema>

export const ConnectorListSchema = z.object({ items: z.array(ConnectorSchema) }).meta({ id: 'ConnectorList' })
export type ConnectorList = z.infer<typeof ConnectorListSchema>

const name = z.string().trim().min(1, 'Enter a name.').max(120)

export const CreateConnectorBodySchema = z
  .object({ name, enabled: z.boolean().default(true), config: ConnectorConfigSchema })
  .strict()
  .meta({ id: 'CreateConnectorBody' })
export type CreateConnectorBody = z.infer<typeof CreateConnectorBodySchema>

export const UpdateConnectorBodySchema = z
  .object({ name: name.optional(), enabled: z.boolean().optional(), config: ConnectorConfigPatchSchema.optional() })
  .strict()
  .meta({ id: 'UpdateConnectorBody' })
export type UpdateConnectorBody = { name?: string; enabled?: boolean; config?: ConnectorConfigPatch }

export const CHECK_JOB_STATES = ['queued', 'running', 'done'] as const
export const ConnectorCheckJobSchema = z
  .object({
    id: z.uuid(),
    connectorId: z.uuid(),
    state: z.enum(CHECK_JOB_STATES),
    trigger: z.enum(['schedule', 'manual']),
    requestedAt: TimestampSchema,
    resultId: z.uuid().nullable(),
  })
  .meta({ id: 'ConnectorCheckJob' })
export type ConnectorCheckJob = z.infer<typeof ConnectorCheckJobSchema>

export const ConnectorIdParamSchema = z.object({
  connectorId: z.uuid().meta({ param: { name: 'connectorId', in: 'path' } }),
})

export const CHECK_HISTORY_LIMIT_MAX = 1000
export const ListChecksQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(CHECK_HISTORY_LIMIT_MAX)
    .default(100)
    .meta({ param: { name: 'limit', in: 'query' }, description: `Page size, 1 to ${CHECK_HISTORY_LIMIT_MAX}.` }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .meta({ param: { name: 'cursor', in: 'query' }, description: 'Opaque cursor from nextCursor.' }),
  since: TimestampSchema.optional().meta({
    param: { name: 'since', in: 'query' },
    description: 'Only results checked at or after this instant (for charts).',
  }),
})
export type ListChecksQuery = z.infer<typeof ListChecksQuerySchema>

export const CheckResultPageSchema = z
  .object({ items: z.array(ConnectorCheckResultSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'CheckResultPage', description: 'Newest first.' })
export type CheckResultPage = z.infer<typeof CheckResultPageSchema>
