import type { AuditBundle } from '@tg/contracts/formats/audit'

/** Saves an export bundle as a JSON file (a download); returns the file name. */
export function saveBundle(bundle: AuditBundle): string {
  const { fromSeq, toSeq } = bundle.range
  const name = `audit-bundle-${fromSeq}-${toSeq}${bundle.filter ? '-filtered' : ''}-${bundle.createdAt.replace(/[:.]/g, '-')}.json`
  const url = URL.createObjectURL(new Blob([JSON.stringify(bundle, null, 2)], { type: 'application/json' }))
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
