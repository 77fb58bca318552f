import type { Round, RoundList } from '@tg/contracts'

export type RoundRow = { kind: 'round'; round: Round } | { kind: 'gap'; from: number; to: number }

/** The rounds in index order with the server's gaps between them, as rows of one table. */
export function roundRowsOf(list: RoundList): RoundRow[] {
  const rows: RoundRow[] = [
    ...list.items.map((round): RoundRow => ({ kind: 'round', round })),
    ...list.gaps.map(({ from, to }): RoundRow => ({ kind: 'gap', from, to })),
  ]
  const start = (row: RoundRow) => (row.kind === 'round' ? row.round.index : row.from)
  return rows.sort((a, b) => start(a) - start(b))
}

/** "Round 4 not reported", "Rounds 5–7 not reported". */
export function describeGap(from: number, to: number): string {
  return from === to ? `Round ${from} not reported` : `Rounds ${from}–${to} not reported`
}
