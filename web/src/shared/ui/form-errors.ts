import { validationIssuesOf } from '@/shared/api'
import type { ValidationIssue } from '@tg/contracts'

/** The 422 issues of `error` for the fields a form shows, by field path (first message wins). */
export function fieldErrorsOf(error: unknown, fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const issue of validationIssuesOf(error)) {
    const field = fields.find((f) => issue.path === f || issue.path.startsWith(`${f}.`))
    if (field && out[field] === undefined) out[field] = issue.message
  }
  return out
}

/** The 422 issues that no field of the form shows: they go into the form's alert. */
export function unmappedIssuesOf(error: unknown, fields: readonly string[]): ValidationIssue[] {
  return validationIssuesOf(error).filter(
    (issue) => !fields.some((f) => issue.path === f || issue.path.startsWith(`${f}.`)),
  )
}
