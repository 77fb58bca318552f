import type { AuditBundle } from '@tg/contracts/formats/audit'

/** Saves an export bundle as a JSON file (a download); returns the file name. */
export function saveBundle(bundle: AuditBundle): string {
  const treeSize = bundle.filter.toSeq ?? bundle.entries.length
  const name = `audit-bundle-${String(treeSize)}-${bundle.createdAt.replace(/[:.]/g, '-')}.json`
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
