import { ANY_ROLE } from '../common/roles'
import { errorResponses } from '../common/errors'
import { defineRoute, jsonContent } from '../common/route'
import {
  ChangePasswordBodySchema,
  ChangePasswordResponseSchema,
  CompletePasswordResetBodySchema,
  CompletePasswordResetResponseSchema,
  CompleteSetupBodySchema,
  SessionResponseSchema,
  SetupStatusResponseSchema,
  SignInBodySchema,
} from './schemas'
import {
  OidcCallbackQuerySchema,
  OidcStartQuerySchema,
  RedirectHeadersSchema,
  SignInOptionsResponseSchema,
} from './sso-schemas'

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
    'Sets the HttpOnly session cookie. Attempts are counted before the password is checked: ' +
    'per account and address (5), per address (20) and per account (30, which never stops an ' +
    'active admin at an address that has not failed); past them the answer is 429 with Retry-After.',
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

export const changePasswordRoute = defineRoute({
  method: 'post',
  path: '/api/v1/auth/password',
  operationId: 'auth.changePassword',
  summary: 'Change the signed-in user\u2019s password (ends their other sessions)',
  description:
    'Needs the current password, counted like a sign-in attempt (429 past the allowance); a wrong ' +
    'one or a weak new one is 422 with the issue on its field. API keys have no password (403).',
  tags: TAGS,
  'x-roles': ANY_ROLE,
  request: { body: { required: true, content: jsonContent(ChangePasswordBodySchema) } },
  responses: {
    200: { description: 'Changed; other sessions ended', content: jsonContent(ChangePasswordResponseSchema) },
    ...errorResponses(400, 401, 403, 413, 415, 422, 429, 500, 503),
  },
})

export const completePasswordResetRoute = defineRoute({
  method: 'post',
  path: '/api/v1/auth/password-reset',
  operationId: 'auth.completePasswordReset',
  summary: 'Set a new password with the one-time reset link an admin issued',
  description:
    'Ends every session of the user. 403 when the link is not valid, used or expired; 422 when ' +
    'the new password is too easy to guess.',
  tags: TAGS,
  'x-roles': 'public',
  request: { body: { required: true, content: jsonContent(CompletePasswordResetBodySchema) } },
  responses: {
    200: { description: 'Password set', content: jsonContent(CompletePasswordResetResponseSchema) },
    ...errorResponses(400, 403, 413, 415, 422, 500, 503),
  },
})

export const getSignInOptionsRoute = defineRoute({
  method: 'get',
  path: '/api/v1/auth/sign-in-options',
  operationId: 'auth.getSignInOptions',
  summary: 'How users sign in here: single sign-on (its button label) and whether passwords are enabled',
  tags: TAGS,
  'x-roles': 'public',
  responses: {
    200: { description: 'Sign-in options', content: jsonContent(SignInOptionsResponseSchema) },
    ...errorResponses(500),
  },
})

export const startOidcSignInRoute = defineRoute({
  method: 'get',
  path: '/api/v1/auth/oidc/start',
  operationId: 'auth.startOidcSignIn',
  summary: 'Start single sign-on: redirects the browser to the OpenID provider',
  description:
    'A browser navigation, not a fetch. Generates the state, nonce and PKCE verifier of this attempt, ' +
    'keeps them server-side for 10 minutes bound to this browser by an HttpOnly cookie, and answers 302 ' +
    'to the provider. When the provider cannot be reached a browser is sent to /sign-in?error=provider_unavailable; ' +
    'a client that accepts JSON gets 503. 501 when single sign-on is not configured.',
  tags: TAGS,
  'x-roles': 'public',
  request: { query: OidcStartQuerySchema },
  responses: {
    302: { description: 'To the provider (or back to /sign-in with the error)', headers: RedirectHeadersSchema },
    ...errorResponses(422, 500, 501, 503),
  },
})

export const completeOidcSignInRoute = defineRoute({
  method: 'get',
  path: '/api/v1/auth/oidc/callback',
  operationId: 'auth.completeOidcSignIn',
  summary: 'The OpenID provider returns here: checks the answer, signs in and redirects',
  description:
    'The redirect URI to register at the provider is `${TG_PUBLIC_URL}/api/v1/auth/oidc/callback`. ' +
    'Checks state, PKCE and the ID token (signature, issuer, audience, expiry, nonce), maps the groups ' +
    'claim to roles (TG_OIDC_ROLE_MAP), creates or updates the linked user and opens a session exactly ' +
    'like password sign-in, then answers 302 to the path the attempt was started for. A refusal sends ' +
    'a browser to /sign-in?error=<reason>; a client that accepts JSON gets 403 SIGN_IN_REFUSED with ' +
    'details.reason (or 503 when the provider cannot be reached).',
  tags: TAGS,
  'x-roles': 'public',
  request: { query: OidcCallbackQuerySchema },
  responses: {
    302: { description: 'Signed in (or refused, for a browser)', headers: RedirectHeadersSchema },
    ...errorResponses(403, 422, 500, 501, 503),
  },
})

export const authRoutes = [
  getSetupStatusRoute,
  completeSetupRoute,
  signInRoute,
  signOutRoute,
  getSessionRoute,
  changePasswordRoute,
  completePasswordResetRoute,
  getSignInOptionsRoute,
  startOidcSignInRoute,
  completeOidcSignInRoute,
] as const
