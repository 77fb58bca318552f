import { createRequire } from 'node:module'
import type { ZxcvbnFactory } from '@zxcvbn-ts/core'
import type * as ZxcvbnCore from '@zxcvbn-ts/core'
import type * as ZxcvbnCommon from '@zxcvbn-ts/language-common'
import type * as ZxcvbnEn from '@zxcvbn-ts/language-en'
import { AppError } from './errors'

/**
 * The password policy beyond length: zxcvbn-ts (offline) estimates how many guesses a password
 * takes against its dictionaries, which include common and breached-password lists, English
 * words and names, keyboard patterns, repeats, sequences and dates. Scores 0 to 2 (below about
 * 10^8 guesses) are refused. The dictionaries load on first use (about 1 s, 30 MB of heap): the
 * modules too, so that a server at rest, which checks no password, does not hold them.
 */
export const MIN_PASSWORD_SCORE = 3
/** Characters estimated; a longer password only gets stronger, and the estimate grows with length. */
const ESTIMATED_LENGTH = 100

let factory: ZxcvbnFactory | undefined
function estimator(): ZxcvbnFactory {
  if (factory) return factory
  const require = createRequire(import.meta.url)
  const { ZxcvbnFactory } = require('@zxcvbn-ts/core') as typeof ZxcvbnCore
  const common = require('@zxcvbn-ts/language-common') as typeof ZxcvbnCommon
  const en = require('@zxcvbn-ts/language-en') as typeof ZxcvbnEn
  factory = new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
    maxLength: ESTIMATED_LENGTH,
  })
  return factory
}

/** Why `password` is refused, or null when it is strong enough. `related` are the user's own names. */
export function passwordWeakness(password: string, related: string[] = []): string | null {
  const result = estimator().check(password.slice(0, ESTIMATED_LENGTH), related.filter(Boolean))
  if (result.score >= MIN_PASSWORD_SCORE) return null
  const hint = result.feedback.warning ?? 'This password is easy to guess.'
  const suggestion = result.feedback.suggestions[0]
  return suggestion ? `${hint} ${suggestion}` : hint
}

/** Refuses a weak password with 422 and the issue on `field`, as request validation would. */
export function assertStrongPassword(password: string, related: string[], field = 'password'): void {
  const weakness = passwordWeakness(password, related)
  if (weakness)
    throw new AppError('VALIDATION_FAILED', 'The password is too easy to guess.', {
      issues: [{ path: field, message: weakness }],
    })
}
