import { z } from '@hono/zod-openapi'
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
  })
  .openapi('User')
export type User = z.infer<typeof UserSchema>

export const UserPageSchema = pageOf(UserSchema).openapi('UserPage')
export type UserPage = z.infer<typeof UserPageSchema>

export const ListUsersQuerySchema = PageQuerySchema.extend({
  q: z
    .string()
    .trim()
    .max(63)
    .optional()
    .openapi({ param: { name: 'q', in: 'query' }, description: 'Username or display name contains.' }),
  role: RoleSchema.optional().openapi({ param: { name: 'role', in: 'query' } }),
  status: z
    .enum(['active', 'disabled'])
    .optional()
    .openapi({ param: { name: 'status', in: 'query' } }),
})
export type ListUsersQuery = z.infer<typeof ListUsersQuerySchema>

export const CreateUserBodySchema = z
  .object({
    username: UsernameSchema,
    displayName: DisplayNameSchema,
    password: PasswordSchema,
    roles: RolesSchema,
  })
  .openapi('CreateUserBody')
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
  .openapi('UpdateUserBody')
export type UpdateUserBody = z.infer<typeof UpdateUserBodySchema>

export const UserIdParamSchema = z.object({
  userId: z.uuid().openapi({ param: { name: 'userId', in: 'path' } }),
})

export const API_KEY_PREFIX = 'tgk_'

export const ApiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z
      .string()
      .openapi({ description: 'The first characters of the key, to recognise it.', example: 'tgk_3Fq9xK2a' }),
    roles: z.array(RoleSchema).min(1),
    status: z.enum(['active', 'revoked', 'expired']),
    createdAt: TimestampSchema,
    createdBy: z.string().nullable().openapi({ description: 'Username of the creator.' }),
    expiresAt: TimestampSchema.nullable(),
    lastUsedAt: TimestampSchema.nullable(),
    revokedAt: TimestampSchema.nullable(),
  })
  .openapi('ApiKey')
export type ApiKey = z.infer<typeof ApiKeySchema>

export const ApiKeyPageSchema = pageOf(ApiKeySchema).openapi('ApiKeyPage')
export type ApiKeyPage = z.infer<typeof ApiKeyPageSchema>

export const ListApiKeysQuerySchema = PageQuerySchema.extend({
  prefix: z
    .string()
    .trim()
    .max(40)
    .optional()
    .openapi({ param: { name: 'prefix', in: 'query' }, description: 'Key prefix starts with.' }),
  status: z
    .enum(['active', 'revoked', 'expired'])
    .optional()
    .openapi({ param: { name: 'status', in: 'query' } }),
})
export type ListApiKeysQuery = z.infer<typeof ListApiKeysQuerySchema>

export const CreateApiKeyBodySchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    roles: RolesSchema,
    expiresAt: TimestampSchema.optional().openapi({ description: 'Optional expiry; never expires when absent.' }),
  })
  .openapi('CreateApiKeyBody')
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBodySchema>

export const CreatedApiKeySchema = z
  .object({
    apiKey: ApiKeySchema,
    secret: z.string().openapi({ description: 'The whole key. Shown once; only its hash is stored.' }),
  })
  .openapi('CreatedApiKey')
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>

export const ApiKeyIdParamSchema = z.object({
  keyId: z.uuid().openapi({ param: { name: 'keyId', in: 'path' } }),
})
