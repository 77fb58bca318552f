import type { PackageSummary } from '@tg/contracts'
import { NTag } from 'naive-ui'
import type { DataTableColumns, DataTableSortState } from 'naive-ui'
import { columnSortOrder, sortOfHeaderClick as sortOfTableHeader } from '@/shared/ui/table-sort'
import { h } from 'vue'
import { RouterLink } from 'vue-router'
import StatusTag from '@/shared/ui/StatusTag.vue'
import { formatBytes, formatDateTime } from '@/shared/ui/format'
import { PACKAGE_STATUS_VIEW, packagePath } from '../status-views'
import type { PackageSort, SortOrder } from '../url-filters'

type Sort = { sort: PackageSort; order: SortOrder }
const SORTABLE: readonly PackageSort[] = ['modelName', 'sizeBytes', 'uploadedAt', 'downloads']

/** Where a package is live: one "fleet · channel" tag each. */
export const liveOnTags = (pkg: Pick<PackageSummary, 'liveOn'>) =>
  pkg.liveOn.length > 0
    ? h(
        'span',
        { class: 'live-on' },
        pkg.liveOn.map((live) =>
          h(
            NTag,
            { key: `${live.fleetId}:${live.channel}`, size: 'small', bordered: false, type: 'info' },
            () => `${live.fleetName} · ${live.channel}`,
          ),
        ),
      )
    : h('span', { class: 'muted' }, 'Not released')

/** A package's labels as tags, each a link to the list filtered by it. */
export const labelTags = (pkg: Pick<PackageSummary, 'labels'>) =>
  pkg.labels.length > 0
    ? h(
        'span',
        { class: 'labels', 'data-testid': 'package-labels' },
        pkg.labels.map((label) =>
          h(
            RouterLink,
            {
              key: label,
              to: { path: '/marketplace', query: { label } },
              class: 'label-link',
              title: `Packages labelled ${label}`,
            },
            () => h(NTag, { size: 'small', round: true }, () => label),
          ),
        ),
      )
    : null

/** Columns of the packages table; sortable columns show the sort the server applied. */
export function buildPackageColumns(current: Sort): DataTableColumns<PackageSummary> {
  const sortOrder = (key: PackageSort) => columnSortOrder(current, key)
  return [
    {
      key: 'modelName',
      title: 'Package',
      sorter: true,
      sortOrder: sortOrder('modelName'),
      render: (pkg) =>
        h('div', { class: 'package-name' }, [
          h(RouterLink, { to: packagePath(pkg.id) }, () => `${pkg.modelName} ${pkg.modelVersion}`),
          h('code', { class: 'package-id' }, pkg.packageId),
          labelTags(pkg),
        ]),
    },
    {
      key: 'status',
      title: 'Status',
      render: (pkg) => h(StatusTag, { value: pkg.status, ...PACKAGE_STATUS_VIEW[pkg.status] }),
    },
    { key: 'publisher', title: 'Publisher', render: (pkg) => pkg.publisher.name },
    { key: 'baseModels', title: 'Base models', render: (pkg) => pkg.baseModels.join(', ') || '—' },
    { key: 'liveOn', title: 'Live on', render: liveOnTags },
    {
      key: 'sizeBytes',
      title: 'Size',
      sorter: true,
      sortOrder: sortOrder('sizeBytes'),
      render: (pkg) => formatBytes(pkg.sizeBytes),
    },
    {
      key: 'downloads',
      title: 'Downloads',
      sorter: true,
      sortOrder: sortOrder('downloads'),
      render: (pkg) => h('span', { 'data-testid': 'package-downloads' }, pkg.downloads.toLocaleString('en')),
    },
    {
      key: 'uploadedAt',
      title: 'Uploaded',
      sorter: true,
      sortOrder: sortOrder('uploadedAt'),
      render: (pkg) =>
        h('div', [
          formatDateTime(pkg.uploadedAt),
          pkg.uploadedBy ? h('span', { class: 'muted by' }, `by ${pkg.uploadedBy}`) : null,
        ]),
    },
  ]
}

/**
 * The sort asked for by a click on a column header. A click on the sorted column flips its order
 * (the table would otherwise cycle to "unsorted", which the server does not have).
 */
export const sortOfHeaderClick = (state: DataTableSortState | DataTableSortState[] | null, current: Sort) =>
  sortOfTableHeader(state, current, SORTABLE)
