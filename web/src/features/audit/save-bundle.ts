import type { AuditBundle, AuditEntryProof } from '@tg/contracts/formats/audit'

/** Saves an export bundle as a JSON file (a download); returns the file name. */
export function saveBundle(bundle: AuditBundle): string {
  const { fromSeq, toSeq } = bundle.range
  const name = `audit-bundle-${fromSeq}-${toSeq}${bundle.filter ? '-filtered' : ''}-${bundle.createdAt.replace(/[:.]/g, '-')}.json`
  return saveJson(name, bundle)
}

/** Saves one entry's proof as a JSON file (a download); returns the file name. */
export function saveEntryProof(proof: AuditEntryProof): string {
  return saveJson(`audit-entry-${proof.entry.seq}-proof.json`, proof)
}

function saveJson(name: string, content: unknown): string {
  const url = URL.createObjectURL(new Blob([JSON.stringify(content, null, 2)], { type: 'application/json' }))
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
  return name
}

/** What a bundle says it holds (checked by `pnpm tgctl audit verify`, not here). */
export function bundleContents(bundle: AuditBundle): string {
  const { fromSeq, toSeq, treeSize } = bundle.range
  const span = toSeq > fromSeq ? `entries ${fromSeq}..${toSeq - 1}` : 'no entries'
  const what = bundle.filter
    ? `${bundle.entries.length} filtered entries of ${span}`
    : `${span}, ${bundle.entries.length} entries`
  return `${what}, of tree size ${treeSize}`
}
