import type { Round, RoundPage } from '@tg/contracts'

export type RoundRow = { kind: 'round'; round: Round } | { kind: 'gap'; from: number; to: number }

/** A page's rounds with the server's gaps between them, as rows of one table, in the page's order. */
export function roundRowsOf(page: Pick<RoundPage, 'items' | 'gaps'>, order: 'asc' | 'desc' = 'asc'): RoundRow[] {
  const rows: RoundRow[] = [
    ...page.items.map((round): RoundRow => ({ kind: 'round', round })),
    ...page.gaps.map(({ from, to }): RoundRow => ({ kind: 'gap', from, to })),
  ]
  const start = (row: RoundRow) => (row.kind === 'round' ? row.round.index : row.from)
  const sign = order === 'asc' ? 1 : -1
  return rows.sort((a, b) => sign * (start(a) - start(b)))
}

/** "Round 4 not reported", "Rounds 5–7 not reported". */
export function describeGap(from: number, to: number): string {
  return from === to ? `Round ${from} not reported` : `Rounds ${from}–${to} not reported`
}
