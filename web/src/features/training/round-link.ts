// A round's link: the run page with the rounds table on the page that starts at that round
// (newest first, so the cursor continues after the next index) and the round marked.
import { encodeRoundCursor } from '@tg/contracts'
import type { LocationQuery } from 'vue-router'

export function roundLinkOf(path: string, query: LocationQuery, index: number): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query))
    if (key !== 'rounds' && key !== 'round' && typeof value === 'string') params.set(key, value)
  params.set('rounds', encodeRoundCursor(index + 1))
  params.set('round', String(index))
  return `${path}?${params.toString()}`
}
