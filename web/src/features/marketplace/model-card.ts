// The model card of a package: the manifest's `description` (free text written by the publisher),
// shown as plain paragraphs. Never rendered as HTML: the text is the publisher's, not ours.

/** The most characters of a description shown (the rest is in the manifest). */
export const MODEL_CARD_MAX = 20_000

export type ModelCard = { paragraphs: string[]; isTruncated: boolean }

/** The manifest's description as paragraphs (blank lines separate them); null when it has none. */
export function modelCardOf(manifest: Record<string, unknown>): ModelCard | null {
  const description = manifest.description
  if (typeof description !== 'string') return null
  const text = description.replace(/\r\n?/g, '\n').trim()
  if (!text) return null
  const shown = text.slice(0, MODEL_CARD_MAX)
  const paragraphs = shown
    .split(/\n[ \t]*\n+/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
  return { paragraphs, isTruncated: text.length > MODEL_CARD_MAX }
}
