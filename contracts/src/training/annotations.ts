import { z } from 'zod'
import { TimestampSchema } from '../common/pagination'

/** Limits of a run's tags (MLflow-style `key` or `key=value`) and note. */
export const RUN_TAGS_MAX = 20
export const RUN_TAG_KEY_MAX_LENGTH = 64
export const RUN_TAG_VALUE_MAX_LENGTH = 128
export const RUN_TAG_KEY_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:/-]*$'
export const RUN_NOTE_MAX_LENGTH = 4000
const TAG_KEY = new RegExp(RUN_TAG_KEY_PATTERN)
// Control characters other than tab and line breaks never belong in a note or a tag.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

/** Splits `key=value` at its first `=`; a plain tag has a null value. */
export function splitRunTag(tag: string): { key: string; value: string | null } {
  const at = tag.indexOf('=')
  return at < 0 ? { key: tag, value: null } : { key: tag.slice(0, at), value: tag.slice(at + 1) }
}

/** Why a tag is not valid, or null when it is. */
export function runTagProblem(tag: string): string | null {
  const { key, value } = splitRunTag(tag)
  if (key.length === 0 || key.length > RUN_TAG_KEY_MAX_LENGTH || !TAG_KEY.test(key))
    return (
      `A tag is key or key=value; the key is 1 to ${RUN_TAG_KEY_MAX_LENGTH} letters, digits, "_", ".", ":", "/" or "-", ` +
      `starting with a letter or digit (not ${JSON.stringify(key.slice(0, RUN_TAG_KEY_MAX_LENGTH))}).`
    )
  if (value !== null && (value.length === 0 || value.length > RUN_TAG_VALUE_MAX_LENGTH))
    return `The value of tag ${key} is 1 to ${RUN_TAG_VALUE_MAX_LENGTH} characters.`
  if (value !== null && (CONTROL.test(value) || /[\r\n\t]/.test(value)))
    return `The value of tag ${key} has control characters or line breaks.`
  return null
}

export const RunTagSchema = z
  .string()
  .trim()
  .min(1, 'A tag cannot be empty.')
  .max(RUN_TAG_KEY_MAX_LENGTH + 1 + RUN_TAG_VALUE_MAX_LENGTH)
  .superRefine((tag, ctx) => {
    const problem = runTagProblem(tag)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })
  .meta({
    id: 'RunTag',
    description:
      `key or key=value: key 1 to ${RUN_TAG_KEY_MAX_LENGTH} characters matching ${RUN_TAG_KEY_PATTERN}, ` +
      `value 1 to ${RUN_TAG_VALUE_MAX_LENGTH} characters on one line.`,
  })

export const RunTagsSchema = z
  .array(RunTagSchema)
  .max(RUN_TAGS_MAX, `At most ${RUN_TAGS_MAX} tags per run.`)
  .superRefine((tags, ctx) => {
    const seen = new Set<string>()
    tags.forEach((tag, i) => {
      const { key } = splitRunTag(tag)
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i], message: `The tag key ${key} is given twice.` })
      seen.add(key)
    })
  })

export const RunNoteSchema = z
  .string()
  .max(RUN_NOTE_MAX_LENGTH, `A note is at most ${RUN_NOTE_MAX_LENGTH.toLocaleString('en')} characters.`)
  .refine((note) => !CONTROL.test(note), 'A note is plain text: no control characters.')
  .meta({ description: `Plain text, at most ${RUN_NOTE_MAX_LENGTH} characters; shown as text, never as HTML.` })

export const UpdateRunAnnotationsBodySchema = z
  .object({ tags: RunTagsSchema.optional(), note: RunNoteSchema.optional() })
  .refine((b) => b.tags !== undefined || b.note !== undefined, { message: 'Change the tags, the note or both.' })
  .meta({ id: 'UpdateRunAnnotationsBody' })
export type UpdateRunAnnotationsBody = z.infer<typeof UpdateRunAnnotationsBodySchema>

const Sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'Expected a SHA-256 digest as 64 lowercase hex characters.')

export const ReportRunPackageBodySchema = z
  .object({
    packageId: z.uuid().optional().meta({ description: 'The console id of the package (as in its page\u2019s URL).' }),
    sha256: Sha256Schema.optional().meta({
      description:
        'The package\u2019s content id: SHA-256 over the digests of its five sections, as in the upload answer and on the package page.',
    }),
  })
  .strict()
  .refine((b) => (b.packageId === undefined) !== (b.sha256 === undefined), {
    message: 'Give exactly one of packageId or sha256.',
  })
  .meta({ id: 'ReportRunPackageBody' })
export type ReportRunPackageBody = z.infer<typeof ReportRunPackageBodySchema>

export const RunProducedPackageSchema = z
  .object({
    id: z.uuid().meta({ description: 'Console id of the package.' }),
    packageId: z.string(),
    modelName: z.string(),
    modelVersion: z.string(),
    contentId: z.string(),
    reportedAt: TimestampSchema,
    reportedBy: z.string().nullable(),
  })
  .meta({ id: 'RunProducedPackage' })
export type RunProducedPackage = z.infer<typeof RunProducedPackageSchema>

export const ListRunsTagFilterSchema = z
  .string()
  .trim()
  .max(RUN_TAG_KEY_MAX_LENGTH + 1 + RUN_TAG_VALUE_MAX_LENGTH)
  .superRefine((tag, ctx) => {
    const problem = runTagProblem(tag)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })
  .meta({ description: 'key=value: runs with that tag; key: runs with that key (any value, or the plain tag).' })
