import type { DataTableSortState } from 'naive-ui'

export type TableSort<S extends string> = { sort: S; order: 'asc' | 'desc' }

/** What a sortable column shows for the sort the server applied. */
export function columnSortOrder<S extends string>(current: TableSort<S>, key: S): 'ascend' | 'descend' | false {
  return current.sort === key ? (current.order === 'asc' ? 'ascend' : 'descend') : false
}

/**
 * The sort a header click asks for, or null for a column the server cannot sort by. A click on
 * the sorted column flips its order (Naive UI reports that as `order: false`).
 */
export function sortOfHeaderClick<S extends string>(
  state: DataTableSortState | DataTableSortState[] | null,
  current: TableSort<S>,
  sortable: readonly S[],
): TableSort<S> | null {
  const clicked = Array.isArray(state) ? (state[0] ?? null) : state
  if (!clicked || !(sortable as readonly string[]).includes(String(clicked.columnKey))) return null
  const sort = clicked.columnKey as S
  if (clicked.order === false)
    return { sort, order: sort === current.sort && current.order === 'desc' ? 'asc' : 'desc' }
  return { sort, order: clicked.order === 'ascend' ? 'asc' : 'desc' }
}
