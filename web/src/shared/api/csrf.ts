/**
 * The CSRF token of the current session, sent as X-CSRF-Token on every state-changing request.
 * It arrives with the session (GET /api/v1/auth/session, sign-in, setup) and is held in memory only.
 */
let csrfToken: string | null = null

export function getCsrfToken(): string | null {
  return csrfToken
}

export function setCsrfToken(token: string | null): void {
  csrfToken = token
}
