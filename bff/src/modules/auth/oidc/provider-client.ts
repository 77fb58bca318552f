import * as client from 'openid-client'
import type { SignInRefusalReason } from '@tg/contracts'
import type { OidcSettings } from './settings'

/** What the console keeps of one attempt between the start and the callback. */
export type AttemptChecks = { state: string; nonce: string; codeVerifier: string }

/** The verified ID token claims of a completed exchange (tokens themselves are dropped here). */
export type VerifiedClaims = { issuer: string; subject: string; claims: Record<string, unknown> }

export class OidcRefusal extends Error {
  override name = 'OidcRefusal'
  constructor(
    readonly reason: SignInRefusalReason,
    message: string,
    /** What the audit entry may carry (never tokens or codes). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message)
  }
}

export interface OidcProviderClient {
  authorizationUrl(checks: AttemptChecks): Promise<URL>
  /** Redeems the code of `callbackUrl` against the attempt's checks; throws OidcRefusal. */
  exchange(callbackUrl: URL, checks: AttemptChecks): Promise<VerifiedClaims>
}

const REQUEST_TIMEOUT_S = 10

const unavailable = (err: unknown) =>
  new OidcRefusal('provider_unavailable', 'The identity provider cannot be reached. Try again in a moment.', {
    cause: errorSummary(err),
  })

function errorSummary(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const code = (err as { code?: unknown }).code
  return `${err.name}${typeof code === 'string' ? ` ${code}` : ''}: ${err.message}`.slice(0, 300)
}

const isUnreachable = (err: unknown) =>
  err instanceof TypeError ||
  (err instanceof client.ClientError &&
    ['OAUTH_TIMEOUT', 'OAUTH_ABORT', 'OAUTH_RESPONSE_IS_NOT_CONFORM'].includes(err.code ?? ''))

/** Maps what openid-client throws at the callback to the reason the user and the audit log see. */
export function refusalOf(err: unknown): OidcRefusal {
  if (err instanceof OidcRefusal) return err
  if (err instanceof client.AuthorizationResponseError)
    return new OidcRefusal('provider_denied', 'The identity provider refused the sign-in.', {
      error: err.error,
      ...(err.error_description ? { errorDescription: err.error_description.slice(0, 300) } : {}),
    })
  if (err instanceof client.ResponseBodyError)
    return err.error === 'invalid_grant'
      ? new OidcRefusal('code_rejected', 'The identity provider no longer accepts this sign-in code.', {
          error: err.error,
        })
      : new OidcRefusal('provider_denied', 'The identity provider refused the sign-in.', { error: err.error })
  if (isUnreachable(err)) return unavailable(err)
  const text = `${errorSummary(err)} ${errorSummary((err as { cause?: unknown })?.cause)}`
  if (text.includes('"state"'))
    return new OidcRefusal('state_mismatch', 'The answer does not belong to the sign-in this browser started.')
  if (text.includes('"nonce"'))
    return new OidcRefusal('nonce_mismatch', 'The ID token was not issued for this sign-in attempt.')
  return new OidcRefusal('token_invalid', 'The identity provider\u2019s answer failed validation.', {
    cause: text.slice(0, 300),
  })
}

/**
 * The relying party: discovery from the issuer (cached after the first success, retried after a
 * failure), authorization code with PKCE S256, state and nonce, ID token validated by openid-client.
 */
export function createOidcProviderClient(settings: OidcSettings): OidcProviderClient {
  let discovered: Promise<client.Configuration> | undefined
  const issuer = new URL(settings.issuer)
  const isInsecure = issuer.protocol === 'http:'

  function configuration(): Promise<client.Configuration> {
    discovered ??= client
      .discovery(issuer, settings.clientId, settings.clientSecret, settings.clientSecret ? undefined : client.None(), {
        execute: isInsecure ? [client.allowInsecureRequests] : [],
        timeout: REQUEST_TIMEOUT_S,
      })
      .catch((err: unknown) => {
        discovered = undefined
        throw unavailable(err)
      })
    return discovered
  }

  return {
    async authorizationUrl(checks) {
      const config = await configuration()
      return client.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: settings.scopes,
        response_type: 'code',
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
        state: checks.state,
        nonce: checks.nonce,
      })
    },

    async exchange(callbackUrl, checks) {
      const config = await configuration()
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        })
        const claims = tokens.claims()
        if (!claims) throw new OidcRefusal('token_invalid', 'The identity provider sent no ID token.')
        return { issuer: claims.iss, subject: claims.sub, claims: { ...claims } }
      } catch (err) {
        throw refusalOf(err)
      }
    },
  }
}

/** Fresh random values of one attempt (openid-client's generators). */
export function newAttemptChecks(): AttemptChecks {
  return { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() }
}
