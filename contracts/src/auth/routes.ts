import { ANY_ROLE } from '../common/roles'
import { errorResponses } from '../common/errors'
import { defineRoute, jsonContent } from '../common/route'
import { CompleteSetupBodySchema, SessionResponseSchema, SetupStatusResponseSchema, SignInBodySchema } from './schemas'

const TAGS = ['auth']

export const getSetupStatusRoute = defineRoute({
  method: 'get',
  path: '/api/v1/auth/setup',
  operationId: 'auth.getSetupStatus',
  summary: 'Whether the first admin still has to be created',
  tags: TAGS,
  'x-roles': 'public',
  responses: {
    200: { description: 'Setup state', content: jsonContent(SetupStatusResponseSchema) },
    ...errorResponses(500, 503),
  },
})

export const completeSetupRoute = defineRoute({
  method: 'post',
  path: '/api/v1/auth/setup',
  operationId: 'auth.completeSetup',
  summary: 'Create the first admin with the one-time setup token, and sign in',
  tags: TAGS,
  'x-roles': 'public',
  request: { body: { required: true, content: jsonContent(CompleteSetupBodySchema) } },
  responses: {
    201: { description: 'First admin created and signed in', content: jsonContent(SessionResponseSchema) },
    ...errorResponses(400, 403, 409, 413, 415, 422, 429, 500, 503),
  },
})

export const signInRoute = defineRoute({
  method: 'post',
  path: '/api/v1/auth/sign-in',
  operationId: 'auth.signIn',
  summary: 'Sign in with username and password',
  description:
    'Sets the HttpOnly session cookie. Repeated failures for one account or one address are ' +
    'answered with 429 and Retry-After.',
  tags: TAGS,
  'x-roles': 'public',
  request: { body: { required: true, content: jsonContent(SignInBodySchema) } },
  responses: {
    200: { description: 'Signed in', content: jsonContent(SessionResponseSchema) },
    ...errorResponses(400, 401, 403, 413, 415, 422, 429, 500, 503),
  },
})

export const signOutRoute = defineRoute({
  method: 'post',
  path: '/api/v1/auth/sign-out',
  operationId: 'auth.signOut',
  summary: 'End the current session',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  responses: {
    204: { description: 'Signed out' },
    ...errorResponses(401, 403, 500, 503),
  },
})

export const getSessionRoute = defineRoute({
  method: 'get',
  path: '/api/v1/auth/session',
  operationId: 'auth.getSession',
  summary: 'The signed-in user and the CSRF token of the session',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  responses: {
    200: { description: 'Current session', content: jsonContent(SessionResponseSchema) },
    ...errorResponses(401, 403, 500, 503),
  },
})

export const authRoutes = [getSetupStatusRoute, completeSetupRoute, signInRoute, signOutRoute, getSessionRoute] as const
