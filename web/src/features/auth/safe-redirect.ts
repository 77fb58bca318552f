/** The in-app path to return to after sign-in; anything that could leave the console becomes `/`. */
export function safeRedirectOf(value: unknown): string {
  const target = Array.isArray(value) ? value[0] : value
  if (typeof target !== 'string' || !target.startsWith('/')) return '/'
  if (target.startsWith('//') || target.startsWith('/\\') || target.startsWith('/sign-in')) return '/'
  return target
}

/** The one-time token of a setup or reset link's `#token=...` location hash, or null. */
export function linkTokenOf(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token')
  return token && token.length > 0 ? token : null
}
