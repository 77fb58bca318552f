import type { Db } from '../../../db/client'
import { AppError } from '../../../lib/errors'
import type { AuditContext, AuditLog } from '../../audit/record'
import { OIDC_REFUSED_ACTION, OIDC_SIGN_IN_ACTION } from '../../audit/record'
import { endSessions, openSession } from '../sessions'
import type { IssuedSession, SessionDeps } from '../sessions'
import { saveAttempt, takeAttempt } from './attempts'
import { findLinkedUser, linkUser } from './identity'
import { OidcRefusal, newAttemptChecks } from './provider-client'
import type { OidcProviderClient, VerifiedClaims } from './provider-client'
import { groupsOfClaims, rolesOfGroups } from './settings'
import type { OidcSettings } from './settings'

export type OidcDeps = SessionDeps & { db: Db; audit: AuditLog; settings: OidcSettings; provider: OidcProviderClient }
export type OidcCompletion = { session: IssuedSession; redirect: string }

const MAX_AUDITED_GROUPS = 50

/** What the user can do about each refusal (the console shows its own text for the reason). */
const REMEDIATIONS: Partial<Record<OidcRefusal['reason'], string>> = {
  no_mapped_group: 'Ask your identity provider\u2019s administrator to add you to one of these groups.',
  account_disabled: 'Ask a console admin to enable your account.',
  provider_unavailable: 'Try again in a moment; if it persists, check TG_OIDC_ISSUER and the provider.',
}

/** The refusal as the error the API answers (the route turns it into a redirect for a browser). */
export function errorOfRefusal(refusal: OidcRefusal): AppError {
  if (refusal.reason === 'provider_unavailable')
    return new AppError('UPSTREAM_UNAVAILABLE', refusal.message, { dependency: 'oidc' }, { 'Retry-After': '5' })
  const remediation = REMEDIATIONS[refusal.reason] ?? 'Start the sign-in again.'
  return new AppError('SIGN_IN_REFUSED', refusal.message, { reason: refusal.reason, remediation })
}

/** A new attempt: its checks stored for this browser, and the provider URL to send it to. */
export async function startOidcSignIn(
  deps: OidcDeps,
  redirect: string,
): Promise<{ providerUrl: URL; bindingToken: string }> {
  const checks = newAttemptChecks()
  try {
    const providerUrl = await deps.provider.authorizationUrl(checks)
    const bindingToken = await saveAttempt(deps.db, deps.hashSecret, { ...checks, redirect })
    return { providerUrl, bindingToken }
  } catch (err) {
    if (err instanceof OidcRefusal) throw errorOfRefusal(err)
    throw err
  }
}

/** Audits a refusal; a linked user refused for their groups loses their open sessions too. */
async function recordRefusal(deps: OidcDeps, ctx: AuditContext, refusal: OidcRefusal, verified?: VerifiedClaims) {
  await deps.db.transaction(async (tx) => {
    const linked = verified ? await findLinkedUser(tx, verified.issuer, verified.subject) : undefined
    const endedSessions = linked && refusal.reason === 'no_mapped_group' ? await endSessions(tx, linked.id) : 0
    await deps.audit.record(tx, ctx, {
      action: OIDC_REFUSED_ACTION,
      resourceType: 'user',
      resourceId: linked?.id ?? verified?.subject ?? 'unknown',
      outcome: 'denied',
      details: {
        reason: refusal.reason,
        issuer: deps.settings.issuer,
        ...(verified ? { subject: verified.subject } : {}),
        ...(linked ? { username: linked.username, endedSessions } : {}),
        ...refusal.details,
      },
    })
  })
}

/**
 * The callback: takes this browser's attempt (once), lets openid-client check state, PKCE and the
 * ID token, maps the groups to roles and opens a session like password sign-in does. Every refusal
 * is audited (reason, never a token or code) and thrown as SIGN_IN_REFUSED or UPSTREAM_UNAVAILABLE.
 */
export async function completeOidcSignIn(
  deps: OidcDeps,
  ctx: AuditContext,
  input: { search: string; bindingToken: string | undefined },
  userAgent: string | null,
): Promise<OidcCompletion> {
  const { settings } = deps
  let verified: VerifiedClaims | undefined
  try {
    const attempt = input.bindingToken ? await takeAttempt(deps.db, deps.hashSecret, input.bindingToken) : null
    if (!attempt)
      throw new OidcRefusal('attempt_expired', 'This browser has no sign-in attempt in progress (or it expired).')
    const callbackUrl = new URL(settings.redirectUri)
    callbackUrl.search = input.search
    verified = await deps.provider.exchange(callbackUrl, attempt)
    const groups = groupsOfClaims(verified.claims, settings.groupsClaim).slice(0, 1000)
    const roles = rolesOfGroups(settings.roleMap, groups)
    if (roles.length === 0)
      throw new OidcRefusal(
        'no_mapped_group',
        `Your account is in none of the groups that grant a role in this console (${[...settings.roleMap.keys()].join(', ')}).`,
        { groups: groups.slice(0, MAX_AUDITED_GROUPS) },
      )
    const identity = verified
    const session = await deps.db.transaction(async (tx) => {
      const linked = await linkUser(tx, deps.audit, ctx, identity, roles, groups.slice(0, MAX_AUDITED_GROUPS))
      const actor = { type: 'user' as const, id: linked.user.id, name: linked.user.username }
      await deps.audit.record(
        tx,
        { ...ctx, actor },
        {
          action: OIDC_SIGN_IN_ACTION,
          resourceType: 'user',
          resourceId: linked.user.id,
          outcome: 'success',
          details: {
            username: linked.user.username,
            issuer: identity.issuer,
            subject: identity.subject,
            roles,
            created: linked.isCreated,
          },
        },
      )
      return openSession(tx, deps, linked.user, { ...ctx, actor }, userAgent)
    })
    return { session, redirect: attempt.redirect }
  } catch (err) {
    if (!(err instanceof OidcRefusal)) throw err
    await recordRefusal(deps, ctx, err, verified)
    throw errorOfRefusal(err)
  }
}
