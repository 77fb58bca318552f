// What a verified bundle proves, in one sentence for a person (tgctl and the console say the same).
import type { BundleSummary } from './bundle'
import { describeFilter } from './filter'

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

/**
 * "entries 0..312, complete, of tree size 313", or what is outside the range, or what a filter
 * left out and that the bundle cannot prove those entries fall outside it.
 */
export function describeCoverage(summary: Pick<BundleSummary, 'range' | 'filter' | 'leftOut' | 'entries'>): string {
  const { fromSeq, toSeq, treeSize } = summary.range
  const outside: string[] = []
  if (fromSeq > 0)
    outside.push(`the ${count(fromSeq, 'entry', 'entries')} before ${fromSeq} ${verb(fromSeq)} not in this bundle`)
  if (toSeq < treeSize) {
    const after = treeSize - toSeq
    const where = toSeq === fromSeq ? `from ${toSeq} on` : `after ${toSeq - 1}`
    outside.push(`the ${count(after, 'entry', 'entries')} ${where} ${verb(after)} not in this bundle`)
  }
  const tail = outside.length > 0 ? `: ${outside.join('; ')}` : ''
  if (fromSeq === toSeq) return `no entries (an empty range at ${fromSeq}) of tree size ${treeSize}${tail}.`
  const span = `entries ${fromSeq}..${toSeq - 1}`
  if (!summary.filter) return `${span}, complete, of tree size ${treeSize}${tail}.`
  return (
    `${span} of tree size ${treeSize}, FILTERED (${describeFilter(summary.filter)}): ` +
    `${summary.entries} included, ${summary.leftOut} left out by the filter${tail}. ` +
    `Every entry of the range is accounted for by its leaf hash, but the contents of the left-out entries are not ` +
    `in this bundle, so it cannot prove that they fall outside the filter.`
  )
}

const verb = (n: number) => (n === 1 ? 'is' : 'are')
