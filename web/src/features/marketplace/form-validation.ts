import type { z } from 'zod'

/**
 * The first problem of each form field under the contract's own schema, so that a form shows the
 * same rules inline that the server would answer with 422. Empty when the value is valid.
 */
export function schemaFieldErrors(
  schema: z.ZodType,
  value: unknown,
  fields: readonly string[],
): Record<string, string> {
  const result = schema.safeParse(value)
  if (result.success) return {}
  const out: Record<string, string> = {}
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '')
    if (fields.includes(field) && out[field] === undefined) out[field] = issue.message
  }
  return out
}
