import { isApiError, validationIssuesOf } from '@/shared/api'
import { ConflictDetailsSchema } from '@tg/contracts'
import type { ValidationIssue } from '@tg/contracts'

/**
 * The problems of `error` for the fields a form shows, by field path (first message wins): the
 * 422 issues, and a 409 conflict that names its field (`details.field`, e.g. a taken username).
 */
export function fieldErrorsOf(error: unknown, fields: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  if (isApiError(error) && error.code === 'CONFLICT') {
    const conflict = ConflictDetailsSchema.safeParse(error.details)
    if (conflict.success && fields.includes(conflict.data.field)) out[conflict.data.field] = error.message
  }
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
