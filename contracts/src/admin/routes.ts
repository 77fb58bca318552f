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
  description: 'Refuses (409) to remove the admin role from, or disable, the last active admin.',
  tags: TAGS,
  'x-roles': ADMIN,
  request: { params: UserIdParamSchema, body: { required: true, content: jsonContent(UpdateUserBodySchema) } },
  responses: {
    200: { description: 'Updated', content: jsonContent(UserSchema) },
    ...errorResponses(400, 401, 403, 404, 409, 413, 415, 422, 500, 503),
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
  listApiKeysRoute,
  createApiKeyRoute,
  revokeApiKeyRoute,
] as const
