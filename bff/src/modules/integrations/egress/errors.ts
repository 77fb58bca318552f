/** Why an outgoing request did not produce a usable answer. The names match the connector check reasons. */
export type EgressFailure = 'refused_by_guard' | 'unreachable' | 'timeout' | 'tls' | 'bad_response'

/** An outgoing request the guard refused, or one that failed on the way; the message is safe to show and log. */
export class EgressError extends Error {
  override name = 'EgressError'
  constructor(
    readonly reason: EgressFailure,
    message: string,
    /** For refusals: the address (or name) refused and the class it is in. */
    readonly refused?: { target: string; range: string },
  ) {
    super(message)
  }
}

const TLS_CODES =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|HOSTNAME_MISMATCH)/

/** Maps a socket, TLS or undici error to a failure reason with a message that carries no request data. */
export function egressFailureOf(err: unknown, what: string): EgressError {
  if (err instanceof EgressError) return err
  const e = err as { code?: string; name?: string; message?: string; cause?: unknown }
  const code = e?.code ?? (e?.cause as { code?: string } | undefined)?.code ?? ''
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError' || /TIMEOUT/.test(code) || code === 'ETIMEDOUT')
    return new EgressError('timeout', `${what} did not answer in time`)
  if (TLS_CODES.test(code)) return new EgressError('tls', `TLS with ${what} failed (${code})`)
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return new EgressError('unreachable', `the name of ${what} does not resolve`)
  if (code) return new EgressError('unreachable', `${what} could not be reached (${code})`)
  return new EgressError('unreachable', `${what} could not be reached`)
}
