import { RUN_NOTE_MAX_LENGTH, RUN_TAGS_MAX, runTagProblem, splitRunTag } from '@tg/contracts'

export type TagsInput = { tags: string[]; problems: string[] }

/**
 * The tags typed in the run page's editor, one per line or separated by commas: each checked
 * with the contract's rule, keys unique, at most RUN_TAGS_MAX. The server checks them again.
 */
export function parseTagsInput(text: string): TagsInput {
  const tags = text
    .split(/[,\n]/)
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0)
  const problems: string[] = []
  const seen = new Set<string>()
  for (const tag of tags) {
    const problem = runTagProblem(tag)
    if (problem) problems.push(problem)
    const { key } = splitRunTag(tag)
    if (seen.has(key)) problems.push(`The tag key ${key} is given twice.`)
    seen.add(key)
  }
  if (tags.length > RUN_TAGS_MAX) problems.push(`At most ${RUN_TAGS_MAX} tags per run (here ${tags.length}).`)
  return { tags, problems }
}

/** The editor's text for a run's tags. */
export const tagsText = (tags: readonly string[]) => tags.join(', ')

/** Why a note cannot be saved, or null. */
export function noteProblem(note: string): string | null {
  return note.length > RUN_NOTE_MAX_LENGTH
    ? `A note is at most ${RUN_NOTE_MAX_LENGTH.toLocaleString('en')} characters (here ${note.length.toLocaleString('en')}).`
    : null
}

/** A tag filter from the URL when the server would accept it; undefined otherwise. */
export function tagFilterOf(value: string | undefined): string | undefined {
  return value !== undefined && runTagProblem(value) === null ? value : undefined
}

/** The runs list filtered by a tag (the link a tag chip leads to). */
export const tagListPath = (tag: string) => `/training?tag=${encodeURIComponent(tag)}`
