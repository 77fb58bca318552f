export const API_VERSION = '0.1.0'
export const SESSION_COOKIE = 'tg_session'
export const CSRF_HEADER = 'X-CSRF-Token'
export const REQUEST_ID_HEADER = 'X-Request-Id'
/**
 * Operational paths answered whatever the Host header names: orchestrators probe and scrape them
 * by pod or container address. Every other path answers 421 to a host the server does not serve.
 */
export const ANY_HOST_PATHS: readonly string[] = ['/healthz', '/readyz', '/metrics']
