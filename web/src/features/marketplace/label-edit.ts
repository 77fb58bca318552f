import { MAX_PACKAGE_LABELS, labelProblem } from '@tg/contracts'

/** Labels as typed: trimmed, empty ones dropped, duplicates removed, sorted (as the server stores them). */
export function normalizeLabels(labels: readonly string[]): string[] {
  return [...new Set(labels.map((label) => label.trim()).filter((label) => label !== ''))].sort()
}

/** What keeps a set of labels from being saved, one line per problem; empty when it can be saved. */
export function labelSetProblems(labels: readonly string[]): string[] {
  const problems = labels.flatMap((label) => {
    const problem = labelProblem(label)
    return problem ? [`"${label}": ${problem}`] : []
  })
  if (labels.length > MAX_PACKAGE_LABELS)
    problems.push(`At most ${MAX_PACKAGE_LABELS} labels per package (${labels.length} given).`)
  return problems
}

/** Whether two label sets differ once normalized (Save is offered only for a change). */
export function isLabelChange(before: readonly string[], after: readonly string[]): boolean {
  const a = normalizeLabels(before)
  const b = normalizeLabels(after)
  return a.length !== b.length || a.some((label, index) => label !== b[index])
}
