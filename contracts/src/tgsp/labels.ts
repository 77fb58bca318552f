import { z } from 'zod'

/** At most this many labels on one package. */
export const MAX_PACKAGE_LABELS = 20
export const MAX_LABEL_KEY_LENGTH = 63
export const MAX_LABEL_VALUE_LENGTH = 63

const KEY = /^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/
const VALUE = /^[a-z0-9](?:[a-z0-9._:/-]*[a-z0-9])?$/

/** Why a label is refused, or null when it is valid (also used by the console's edit control). */
export function labelProblem(label: string): string | null {
  const [key = '', ...rest] = label.split('=')
  if (label !== label.toLowerCase()) return 'Use lowercase letters only.'
  if (rest.length > 1) return 'Use at most one "=".'
  if (key.length === 0) return 'Start with a name.'
  if (key.length > MAX_LABEL_KEY_LENGTH) return `A name has at most ${MAX_LABEL_KEY_LENGTH} characters.`
  if (!KEY.test(key)) return 'A name uses a-z, 0-9, ".", "_" and "-", and starts and ends with a letter or digit.'
  if (rest.length === 1) {
    const value = rest[0] ?? ''
    if (value.length === 0) return 'Give a value after "=", or leave the "=" out.'
    if (value.length > MAX_LABEL_VALUE_LENGTH) return `A value has at most ${MAX_LABEL_VALUE_LENGTH} characters.`
    if (!VALUE.test(value))
      return 'A value uses a-z, 0-9, ".", "_", "-", ":" and "/", and starts and ends with a letter or digit.'
  }
  return null
}

const labelText = () =>
  z
    .string()
    .trim()
    .superRefine((label, ctx) => {
      const problem = labelProblem(label)
      if (problem) ctx.addIssue({ code: 'custom', message: `"${label}": ${problem}` })
    })

/** One label as a list filter (`?label=env=prod`). */
export const PackageLabelFilterSchema = labelText()

export const PackageLabelSchema = labelText().meta({
  id: 'PackageLabel',
  description:
    'A plain tag (`gpu`) or `key=value` (`env=prod`): lowercase, a name of at most 63 characters (a-z, 0-9, . _ -), a value of at most 63 (also : and /).',
  example: 'env=prod',
})

export const SetPackageLabelsBodySchema = z
  .object({
    labels: z
      .array(PackageLabelSchema)
      .max(MAX_PACKAGE_LABELS, `At most ${MAX_PACKAGE_LABELS} labels per package.`)
      .transform((labels) => [...new Set(labels)].sort()),
  })
  .meta({ id: 'SetPackageLabelsBody' })
export type SetPackageLabelsBody = z.infer<typeof SetPackageLabelsBodySchema>
