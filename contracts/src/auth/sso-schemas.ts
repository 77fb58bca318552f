import { z } from 'zod'

/**
 * Why a sign-in was refused: the `reason` of a SIGN_IN_REFUSED error, and the `error` query
 * parameter of `/sign-in` after a refused single sign-on callback (the console explains each).
 */
export const SIGN_IN_REFUSAL_REASONS = [
  'no_mapped_group',
  'account_disabled',
  'state_mismatch',
  'nonce_mismatch',
  'attempt_expired',
  'code_rejected',
  'provider_denied',
  'token_invalid',
  'provider_unavailable',
  'password_sign_in_disabled',
] as const
export const SignInRefusalReasonSchema = z.enum(SIGN_IN_REFUSAL_REASONS).meta({ id: 'SignInRefusalReason' })
export type SignInRefusalReason = z.infer<typeof SignInRefusalReasonSchema>

export const SignInOptionsResponseSchema = z
  .object({
    sso: z
      .object({
        label: z.string().meta({ description: 'The sign-in button says "Sign in with <label>".' }),
        startPath: z.string().meta({ description: 'Navigate the browser here (add ?redirect=<path>).' }),
      })
      .nullable()
      .meta({ description: 'Single sign-on through OpenID Connect; null when it is not configured.' }),
    localPasswords: z
      .boolean()
      .meta({ description: 'Whether username and password sign-in is enabled (TG_OIDC_LOCAL_PASSWORDS).' }),
  })
  .meta({ id: 'SignInOptionsResponse' })
export type SignInOptionsResponse = z.infer<typeof SignInOptionsResponseSchema>

export const OidcStartQuerySchema = z.object({
  redirect: z
    .string()
    .max(2000)
    .optional()
    .meta({
      param: { name: 'redirect', in: 'query' },
      description: 'A path of this console to open after sign-in; anything else becomes `/`.',
    }),
})
export type OidcStartQuery = z.infer<typeof OidcStartQuerySchema>

const param = (name: string, description: string) =>
  z
    .string()
    .max(4000)
    .optional()
    .meta({ param: { name, in: 'query' }, description })

export const OidcCallbackQuerySchema = z.object({
  code: param('code', 'The authorization code.'),
  state: param('state', 'Must equal the state of the attempt this browser started.'),
  iss: param('iss', 'The issuer (RFC 9207), checked when the provider sends it.'),
  error: param('error', 'The provider refused the sign-in.'),
  error_description: param('error_description', 'Its explanation.'),
})
export type OidcCallbackQuery = z.infer<typeof OidcCallbackQuerySchema>

export const RedirectHeadersSchema = z.object({
  Location: z.string().meta({ description: 'Where the browser goes next.' }),
})
