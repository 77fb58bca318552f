import { errorResponses } from '../common/errors'
import { defineRoute, jsonContent } from '../common/route'
import {
  ApiKeyIdParamSchema,
  ApiKeyPageSchema,
  ApiKeySchema,
  CreateApiKeyBodySchema,
  CreateUserBodySchema,
  CreatedApiKeySchema,
  ListApiKeysQuerySchema,
  ListUsersQuerySchema,
  PasswordResetLinkSchema,
  UnlockSignInResponseSchema,
  UpdateUserBodySchema,
  UserIdParamSchema,
  UserPageSchema,
  UserSchema,
} from './schemas'

const TAGS = ['admin']
const ADMIN = ['admin'] as const

export const listUsersRoute = defineRoute({
  method: 'get',
  path: '/api/v1/admin/users',
  operationId: 'admin.listUsers',
  summary: 'List users, newest first',
  tags: TAGS,
  'x-roles': ADMIN,
  request: { query: ListUsersQuerySchema },
  responses: {
    200: { description: 'A page of users', content: jsonContent(UserPageSchema) },
    ...errorResponses(401, 403, 422, 500, 503),
  },
})

export const createUserRoute = defineRoute({
  method: 'post',
  path: '/api/v1/admin/users',
  operationId: 'admin.createUser',
  summary: 'Create a user with a password and roles',
  tags: TAGS,
  'x-roles': ADMIN,
  request: { body: { required: true, content: jsonContent(CreateUserBodySchema) } },
  responses: {
    201: { description: 'Created', content: jsonContent(UserSchema) },
    ...errorResponses(400, 401, 403, 409, 413, 415, 422, 500, 503),
  },
})

export const updateUserRoute = defineRoute({
  method: 'patch',
  path: '/api/v1/admin/users/{userId}',
  operationId: 'admin.updateUser',
  summary: 'Change display name, roles or status (disable ends the user\u2019s sessions)',
  description:
    'Refuses (409) to remove the admin role from, or disable, the last active admin, and to change the ' +
    'roles of a single sign-on user (the provider\u2019s groups decide them at each sign-in).',
  tags: TAGS,
  'x-roles': ADMIN,
  request: { params: UserIdParamSchema, body: { required: true, content: jsonContent(UpdateUserBodySchema) } },
  responses: {
    200: { description: 'Updated', content: jsonContent(UserSchema) },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 500, 503),
  },
})

export const unlockSignInRoute = defineRoute({
  method: 'post',
  path: '/api/v1/admin/users/{userId}/unlock-sign-in',
  operationId: 'admin.unlockSignIn',
  summary: 'Clear the failed-attempt counters that block a user\u2019s sign-in',
  description: 'Clears the user\u2019s per-address and account-wide counters (not other users\u2019 address counters).',
  tags: TAGS,
  'x-roles': ADMIN,
  request: { params: UserIdParamSchema },
  responses: {
    200: { description: 'Unlocked', content: jsonContent(UnlockSignInResponseSchema) },
    ...errorResponses(401, 403, 404, 422, 500, 503),
  },
})

export const issuePasswordResetRoute = defineRoute({
  method: 'post',
  path: '/api/v1/admin/users/{userId}/password-reset',
  operationId: 'admin.issuePasswordReset',
  summary: 'Issue a one-time password reset link for a user (ends their sessions)',
  description:
    'The admin never learns the new password: the user sets it through the link, valid 24 hours. ' +
    'A new link replaces the previous one. The user\u2019s sessions end now; their old password ' +
    'works until the link is used. API keys are not tied to a user\u2019s password and stay. ' +
    '409 for a single sign-on user, who has no password here.',
  tags: TAGS,
  'x-roles': ADMIN,
  request: { params: UserIdParamSchema },
  responses: {
    201: { description: 'Link issued', content: jsonContent(PasswordResetLinkSchema) },
    ...errorResponses(401, 403, 404, 409, 422, 500, 503),
  },
})

export const listApiKeysRoute = defineRoute({
  method: 'get',
  path: '/api/v1/admin/api-keys',
  operationId: 'admin.listApiKeys',
  summary: 'List API keys, newest first',
  tags: TAGS,
  'x-roles': ADMIN,
  request: { query: ListApiKeysQuerySchema },
  responses: {
    200: { description: 'A page of API keys', content: jsonContent(ApiKeyPageSchema) },
    ...errorResponses(401, 403, 422, 500, 503),
  },
})

export const createApiKeyRoute = defineRoute({
  method: 'post',
  path: '/api/v1/admin/api-keys',
  operationId: 'admin.createApiKey',
  summary: 'Create an API key; the secret is in this response only',
  tags: TAGS,
  'x-roles': ADMIN,
  request: { body: { required: true, content: jsonContent(CreateApiKeyBodySchema) } },
  responses: {
    201: { description: 'Created', content: jsonContent(CreatedApiKeySchema) },
    ...errorResponses(400, 401, 403, 413, 415, 422, 500, 503),
  },
})

export const revokeApiKeyRoute = defineRoute({
  method: 'post',
  path: '/api/v1/admin/api-keys/{keyId}/revoke',
  operationId: 'admin.revokeApiKey',
  summary: 'Revoke an API key at once',
  tags: TAGS,
  'x-roles': ADMIN,
  request: { params: ApiKeyIdParamSchema },
  responses: {
    200: { description: 'Revoked', content: jsonContent(ApiKeySchema) },
    ...errorResponses(401, 403, 404, 409, 422, 500, 503),
  },
})

export const adminRoutes = [
  listUsersRoute,
  createUserRoute,
  updateUserRoute,
  unlockSignInRoute,
  issuePasswordResetRoute,
  listApiKeysRoute,
  createApiKeyRoute,
  revokeApiKeyRoute,
] as const
