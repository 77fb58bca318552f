export const API_VERSION = '0.1.0'
export const SESSION_COOKIE = 'tg_session'
export const CSRF_HEADER = 'X-CSRF-Token'
export const REQUEST_ID_HEADER = 'X-Request-Id'
