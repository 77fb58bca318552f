import { z } from 'zod'
import { RoleSchema } from '../common/roles'
import { PageQuerySchema, TimestampSchema, pageOf } from '../common/pagination'
import { DisplayNameSchema, PasswordSchema, UsernameSchema } from '../auth/schemas'

const RolesSchema = z
  .array(RoleSchema)
  .min(1, 'Choose at least one role.')
  .max(6)
  .transform((roles) => [...new Set(roles)])

export const UserSchema = z
  .object({
    id: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    roles: z.array(RoleSchema).min(1),
    status: z.enum(['active', 'disabled']),
    createdAt: TimestampSchema,
    lastSignInAt: TimestampSchema.nullable(),
    signInBlockedUntil: TimestampSchema.nullable().meta({
      description:
        'Until when failed attempts block this account\u2019s sign-in from at least one address ' +
        '(or from all, past the account-wide ceiling); null when nothing is blocked. Listed users only.',
    }),
    sso: z
      .object({ issuer: z.string(), subject: z.string() })
      .nullable()
      .meta({
        description:
          'The OpenID Connect identity this user signs in with; null for a local user. The roles of a ' +
          'linked user follow the provider\u2019s groups at each sign-in and cannot be edited here (409).',
      }),
  })
  .meta({ id: 'User' })
export type User = z.infer<typeof UserSchema>

export const UserPageSchema = pageOf(UserSchema).meta({ id: 'UserPage' })
export type UserPage = z.infer<typeof UserPageSchema>

export const ListUsersQuerySchema = PageQuerySchema.extend({
  q: z
    .string()
    .trim()
    .max(63)
    .optional()
    .meta({ param: { name: 'q', in: 'query' }, description: 'Username or display name contains.' }),
  role: RoleSchema.optional().meta({ param: { name: 'role', in: 'query' } }),
  status: z
    .enum(['active', 'disabled'])
    .optional()
    .meta({ param: { name: 'status', in: 'query' } }),
})
export type ListUsersQuery = z.infer<typeof ListUsersQuerySchema>

export const CreateUserBodySchema = z
  .object({
    username: UsernameSchema,
    displayName: DisplayNameSchema,
    password: PasswordSchema,
    roles: RolesSchema,
  })
  .meta({ id: 'CreateUserBody' })
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>

export const UpdateUserBodySchema = z
  .object({
    displayName: DisplayNameSchema.optional(),
    roles: RolesSchema.optional(),
    status: z.enum(['active', 'disabled']).optional(),
  })
  .refine((b) => b.displayName !== undefined || b.roles !== undefined || b.status !== undefined, {
    message: 'Change at least one of displayName, roles or status.',
  })
  .meta({ id: 'UpdateUserBody' })
export type UpdateUserBody = z.infer<typeof UpdateUserBodySchema>

export const UserIdParamSchema = z.object({
  userId: z.uuid().meta({ param: { name: 'userId', in: 'path' } }),
})

export const UnlockSignInResponseSchema = z
  .object({
    user: UserSchema,
    clearedBlocks: z
      .number()
      .int()
      .nonnegative()
      .meta({ description: 'Blocked counters (per address, and the account-wide one) that were cleared.' }),
  })
  .meta({ id: 'UnlockSignInResponse' })
export type UnlockSignInResponse = z.infer<typeof UnlockSignInResponseSchema>

export const PasswordResetLinkSchema = z
  .object({
    resetPath: z.string().meta({
      description: 'Path of the one-time link, token in the fragment: /reset-password#token=\u2026. Shown once.',
      example: '/reset-password#token=3Fq9xK2a',
    }),
    expiresAt: TimestampSchema,
    endedSessions: z.number().int().nonnegative().meta({ description: 'Sessions of the user that were ended.' }),
  })
  .meta({ id: 'PasswordResetLink' })
export type PasswordResetLink = z.infer<typeof PasswordResetLinkSchema>

export const API_KEY_PREFIX = 'tgk_'

export const ApiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z
      .string()
      .meta({ description: 'The first characters of the key, to recognise it.', example: 'tgk_3Fq9xK2a' }),
    roles: z.array(RoleSchema).meta({ description: 'Empty for a key scoped to a training run or to expert families.' }),
    scopeRunId: z
      .uuid()
      .nullable()
      .meta({ description: 'A training agent\u2019s key: its only right is to report this run\u2019s rounds.' }),
    scopeExpertIds: z
      .array(z.uuid())
      .nullable()
      .meta({ description: 'A FedMoE ingest key: its only right is to post evidence for these expert families.' }),
    scopeFleetId: z
      .uuid()
      .nullable()
      .meta({ description: 'A fleet agent\u2019s key: its only right is to report release health on this fleet.' }),
    status: z.enum(['active', 'revoked', 'expired']),
    createdAt: TimestampSchema,
    createdBy: z.string().nullable().meta({ description: 'Username of the creator.' }),
    expiresAt: TimestampSchema.nullable(),
    lastUsedAt: TimestampSchema.nullable(),
    revokedAt: TimestampSchema.nullable(),
  })
  .meta({ id: 'ApiKey' })
export type ApiKey = z.infer<typeof ApiKeySchema>

export const ApiKeyPageSchema = pageOf(ApiKeySchema).meta({ id: 'ApiKeyPage' })
export type ApiKeyPage = z.infer<typeof ApiKeyPageSchema>

export const ListApiKeysQuerySchema = PageQuerySchema.extend({
  prefix: z
    .string()
    .trim()
    .max(40)
    .optional()
    .meta({ param: { name: 'prefix', in: 'query' }, description: 'Key prefix starts with.' }),
  status: z
    .enum(['active', 'revoked', 'expired'])
    .optional()
    .meta({ param: { name: 'status', in: 'query' } }),
})
export type ListApiKeysQuery = z.infer<typeof ListApiKeysQuerySchema>

export const CreateApiKeyBodySchema = z
  .object({
    name: z.string().trim().min(1, 'Enter a name.').max(120),
    roles: RolesSchema,
    expiresAt: TimestampSchema.optional().meta({ description: 'Optional expiry; never expires when absent.' }),
  })
  .meta({ id: 'CreateApiKeyBody' })
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBodySchema>

export const CreatedApiKeySchema = z
  .object({
    apiKey: ApiKeySchema,
    secret: z.string().meta({ description: 'The whole key. Shown once; only its hash is stored.' }),
  })
  .meta({ id: 'CreatedApiKey' })
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>

export const ApiKeyIdParamSchema = z.object({
  keyId: z.uuid().meta({ param: { name: 'keyId', in: 'path' } }),
})
