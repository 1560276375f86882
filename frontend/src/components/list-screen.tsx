import type { UseQueryResult } from '@tanstack/react-query'
import type { LinkProps } from '@tanstack/react-router'
import type { ReactNode } from 'react'
import { useMe } from '@/api/me'
import type { ListPageProps } from '@/lib/list-search'
import { canWriteConfig } from '@/lib/roles'
import { type Column, DataTable } from './data-table'
import { NewLink } from './list-parts'
import { PageHeader } from './page-header'

interface Page<T> {
  data: T[]
  page: number
  per_page: number
  total: number
  total_capped?: boolean
}

/**
 * A list screen: title, the "New …" button for those who may create (by default whoever may
 * change the configuration), and the table with its search, filters and paging in the URL.
 */
export function ListScreen<T extends { id: string }, S extends string>({
  title,
  description,
  create,
  canCreate,
  list,
  query,
  columns,
  searchPlaceholder,
  empty,
  actions,
  statusFilter,
}: {
  title: string
  description: string
  /** The "New …" link; none for lists whose objects are made otherwise (uploaded recordings). */
  create?: { to: LinkProps['to']; label: string }
  canCreate?: boolean
  list: ListPageProps<S>
  query: UseQueryResult<Page<T>>
  columns: Column<T, S>[]
  searchPlaceholder: string
  /** What to say while there is nothing yet (the create button is added). */
  empty: { title: string; description?: ReactNode }
  /** More buttons beside "New …" (e.g. "Invite user"). */
  actions?: ReactNode
  /** False for objects without an active/inactive status. */
  statusFilter?: boolean
}) {
  const { user } = useMe()
  const add = create && (canCreate ?? canWriteConfig(user.role)) && (
    <NewLink to={create.to}>{create.label}</NewLink>
  )
  return (
    <>
      <PageHeader
        title={title}
        description={description}
        actions={
          (add || actions) && (
            <>
              {actions}
              {add}
            </>
          )
        }
      />
      <DataTable
        label={title}
        columns={columns}
        {...list}
        query={query}
        searchPlaceholder={searchPlaceholder}
        statusFilter={statusFilter}
        empty={{ ...empty, action: add }}
      />
    </>
  )
}
