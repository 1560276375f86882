import type { StatusFilter } from '@/lib/list-search'
import type { Column } from './data-table'
import { StatusBadge } from './list-parts'

/** The sortable Status column (pass `hidden sm:table-cell` to drop it on phones). */
export function statusColumn<T extends { status: StatusFilter }>(className?: string): Column<T, 'status'> {
  return {
    key: 'status',
    header: 'Status',
    sort: 'status',
    className,
    cell: (row) => <StatusBadge status={row.status} />,
  }
}
