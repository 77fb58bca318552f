import { SIGN_IN_REFUSAL_REASONS } from '@tg/contracts'
import type { SignInRefusalReason } from '@tg/contracts'

const MESSAGES: Record<SignInRefusalReason, string> = {
  no_mapped_group:
    'Your account is in none of the groups that grant a role in this console. Ask your identity provider\u2019s administrator to add you to one of them.',
  account_disabled: 'Your account is disabled in this console. Ask a console admin to enable it.',
  state_mismatch:
    'The identity provider\u2019s answer does not belong to the sign-in this browser started. Start again.',
  nonce_mismatch: 'The identity provider\u2019s token was not issued for this sign-in. Start again.',
  attempt_expired: 'The sign-in took too long or was started in another browser. Start again.',
  code_rejected: 'The identity provider no longer accepts this sign-in (it expired or was used already). Start again.',
  provider_denied: 'The identity provider refused the sign-in.',
  token_invalid:
    'The identity provider\u2019s answer failed validation. Start again, or ask an admin to check the server log.',
  provider_unavailable: 'The identity provider cannot be reached right now. Try again in a moment.',
  password_sign_in_disabled: 'Password sign-in is disabled on this console: use single sign-on.',
}

/** The message for `/sign-in?error=<reason>` after a refused single sign-on; null for anything else. */
export function refusalMessageOf(value: unknown): string | null {
  const reason = Array.isArray(value) ? value[0] : value
  return (SIGN_IN_REFUSAL_REASONS as readonly unknown[]).includes(reason)
    ? MESSAGES[reason as SignInRefusalReason]
    : null
}
