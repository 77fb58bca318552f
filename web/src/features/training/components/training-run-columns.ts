import type { Run } from '@tg/contracts'
import type { DataTableColumns, DataTableSortState } from 'naive-ui'
import { columnSortOrder, sortOfHeaderClick as sortOfTableHeader } from '@/shared/ui/table-sort'
import { h } from 'vue'
import { RouterLink } from 'vue-router'
import StatusTag from '@/shared/ui/StatusTag.vue'
import { formatDateTime, formatRelative } from '@/shared/ui/format'
import { RUN_STATE_VIEW } from '@/shared/ui/training-format'
import { formatRounds, runPath } from '../run-view'
import { tagListPath } from '../run-tags'
import type { RunSort, SortOrder } from '../url-filters'
import EpsilonBudgetBar from '@/shared/ui/EpsilonBudgetBar.vue'

type Sort = { sort: RunSort; order: SortOrder }
const SORTABLE: readonly RunSort[] = ['name', 'epsilonSpent', 'lastReportAt', 'createdAt']

/** Columns of the runs table; sortable columns show the sort the server applied. */
export function buildRunColumns(current: Sort): DataTableColumns<Run> {
  const sortOrder = (key: RunSort) => columnSortOrder(current, key)
  return [
    {
      key: 'name',
      title: 'Run',
      sorter: true,
      sortOrder: sortOrder('name'),
      render: (run) =>
        h('div', { class: 'run-name' }, [
          h(RouterLink, { to: runPath(run.id) }, () => run.name),
          h('span', { class: 'muted' }, run.baseModel),
          run.tags.length > 0
            ? h(
                'ul',
                { class: 'run-tags', 'aria-label': 'Tags' },
                run.tags.map((tag) =>
                  h(
                    'li',
                    h(RouterLink, { to: tagListPath(tag), class: 'run-tag' }, () => tag),
                  ),
                ),
              )
            : null,
        ]),
    },
    { key: 'state', title: 'State', render: (run) => h(StatusTag, { value: run.state, ...RUN_STATE_VIEW[run.state] }) },
    { key: 'rounds', title: 'Rounds', render: (run) => h('span', { class: 'numeric' }, formatRounds(run)) },
    {
      key: 'epsilonSpent',
      title: 'Epsilon of budget',
      sorter: true,
      sortOrder: sortOrder('epsilonSpent'),
      render: (run) => h(EpsilonBudgetBar, { run }),
    },
    {
      key: 'lastReportAt',
      title: 'Last report',
      sorter: true,
      sortOrder: sortOrder('lastReportAt'),
      render: (run) =>
        run.lastReportAt ? h('time', { datetime: run.lastReportAt }, formatRelative(run.lastReportAt)) : 'Never',
    },
    {
      key: 'createdAt',
      title: 'Created',
      sorter: true,
      sortOrder: sortOrder('createdAt'),
      render: (run) =>
        h('div', [
          formatDateTime(run.createdAt),
          run.createdBy ? h('span', { class: 'muted by' }, `by ${run.createdBy}`) : null,
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
