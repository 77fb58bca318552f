// Numbers typed into text fields ("0.01", "1e-5", "1,000"), checked with a zod schema per field,
// so that a form shows each problem beside its field as the person types.
import { z } from 'zod'

/** A typed number: empty is undefined, anything that is not a number is NaN. */
export function numberOf(text: string): number | undefined {
  const trimmed = text.trim().replace(/[,_\s]/g, '')
  if (trimmed === '') return undefined
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(trimmed) ? Number(trimmed) : Number.NaN
}

/** A number field's schema: what to enter when empty or not a number, then its range. */
export function numberField(what: string) {
  return z.number({ error: (issue) => (issue.input === undefined ? `Enter ${what}.` : `Enter ${what} as a number.`) })
}

export function wholeField(what: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return numberField(what)
    .refine((n) => Number.isInteger(n), `Enter a whole number for ${what}.`)
    .refine((n) => n >= min, `Enter at least ${min}.`)
    .refine((n) => n <= max, `Enter at most ${max.toLocaleString('en')}.`)
}

export type FieldErrors<K extends string> = Partial<Record<K, string>>

/** The first message per field path ("dp.delta" stays dotted) of a failed parse. */
export function fieldErrorsOfIssues<K extends string>(issues: readonly z.core.$ZodIssue[]): FieldErrors<K> {
  const out: Record<string, string> = {}
  for (const issue of issues) {
    const path = issue.path.map(String).join('.')
    if (out[path] === undefined) out[path] = issue.message
  }
  return out as FieldErrors<K>
}
