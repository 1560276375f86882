import type { UseQueryResult } from '@tanstack/react-query'
import { ArrowDownIcon, ArrowUpDownIcon, ArrowUpIcon, SearchIcon } from 'lucide-react'
import { type ReactNode, useEffect, useState } from 'react'
import type { ListSearch, StatusFilter } from '@/lib/list-search'
import { PageNav } from './page-nav'
import { EmptyState, ErrorState, LoadingState } from './states'
import { Button } from './ui/button'
import { Card } from './ui/card'
import { Input, NativeSelect } from './ui/input'
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from './ui/table'

export interface Column<T, S extends string = string> {
  key: string
  header: string
  cell: (row: T) => ReactNode
  /** The API's sort field for this column, when it can be sorted. */
  sort?: S
  /** E.g. `hidden md:table-cell` to drop a column on phones. */
  className?: string
}

interface Page<T> {
  data: T[]
  page: number
  per_page: number
  total: number
  total_capped?: boolean
}

function nextSort<S extends string>(current: S | `-${S}` | undefined, field: S): S | `-${S}` | undefined {
  if (current === field) return `-${field}`
  if (current === `-${field}`) return undefined
  return field
}

function SortHeader<S extends string>({
  label,
  field,
  current,
  onSort,
}: {
  label: string
  field: S
  current: S | `-${S}` | undefined
  onSort: (sort: S | `-${S}` | undefined) => void
}) {
  const Icon = current === field ? ArrowUpIcon : current === `-${field}` ? ArrowDownIcon : ArrowUpDownIcon
  return (
    <Button variant="ghost" size="sm" className="-ml-3 h-8" onClick={() => onSort(nextSort(current, field))}>
      {label}
      <Icon aria-hidden className="opacity-60" />
    </Button>
  )
}

function ariaSort(current: string | undefined, field?: string) {
  if (!field) return undefined
  if (current === field) return 'ascending' as const
  if (current === `-${field}`) return 'descending' as const
  return 'none' as const
}

/** The text search box: updates the URL a moment after typing stops. */
function SearchBox({
  value,
  placeholder,
  onChange,
}: {
  value: string | undefined
  placeholder: string
  onChange: (q: string | undefined) => void
}) {
  const [text, setText] = useState(value ?? '')
  // Follow the URL when it changes elsewhere (back button, "Clear filters"), not while typing.
  const [seen, setSeen] = useState(value)
  if (value !== seen) {
    setSeen(value)
    if ((value ?? '') !== text.trim()) setText(value ?? '')
  }
  useEffect(() => {
    if (text.trim() === (value ?? '')) return
    const timer = setTimeout(() => onChange(text.trim() || undefined), 300)
    return () => clearTimeout(timer)
  }, [text, value, onChange])
  return (
    <div className="relative w-full sm:max-w-xs">
      <SearchIcon
        className="pointer-events-none absolute top-2.5 left-2.5 size-4 text-muted-foreground"
        aria-hidden
      />
      <Input
        type="search"
        aria-label="Search"
        placeholder={placeholder}
        value={text}
        onChange={(e) => setText(e.target.value)}
        className="pl-8"
      />
    </div>
  )
}

export function StatusFilterSelect({
  value,
  onChange,
}: {
  value: StatusFilter | undefined
  onChange: (status: StatusFilter | undefined) => void
}) {
  return (
    <NativeSelect
      aria-label="Status"
      className="w-full sm:w-40"
      value={value ?? ''}
      onChange={(e) => onChange((e.target.value || undefined) as StatusFilter | undefined)}
    >
      <option value="">Any status</option>
      <option value="active">Active</option>
      <option value="inactive">Inactive</option>
    </NativeSelect>
  )
}

/**
 * A server-paged list: search, sort, status filter and page live in the URL (`search` /
 * `onSearchChange`), with loading, empty and error states.
 */
export function DataTable<T extends { id: string }, S extends string>({
  label,
  columns,
  query,
  search,
  onSearchChange,
  searchPlaceholder = 'Search…',
  searchable = true,
  statusFilter = true,
  filters,
  filtered: filteredByCaller,
  onClearFilters,
  empty,
}: {
  /** What the table lists, for screen readers ("Extensions"). */
  label: string
  columns: Column<T, S>[]
  query: UseQueryResult<Page<T>>
  search: ListSearch<S>
  /** Receives the whole next search (the route writes it to the URL). */
  onSearchChange: (next: ListSearch<S>) => void
  searchPlaceholder?: string
  /** False for lists the API cannot search (no search box, nor toolbar when nothing else is in it). */
  searchable?: boolean
  statusFilter?: boolean
  filters?: ReactNode
  /** Whether `filters` narrow the list (search and status count by themselves). */
  filtered?: boolean
  /** Clears `filters` too, when the list has its own. */
  onClearFilters?: () => void
  /** Shown when nothing exists yet (not when a search matches nothing). */
  empty: { title: string; description?: ReactNode; action?: ReactNode }
}) {
  const page = query.data
  const filtered = Boolean(search.q || search.status || filteredByCaller)
  const update = onSearchChange

  let body: ReactNode
  if (query.isError && !page) {
    body = <ErrorState error={query.error} onRetry={() => query.refetch()} />
  } else if (!page) {
    body = <LoadingState />
  } else if (page.data.length === 0) {
    body = filtered ? (
      <EmptyState
        title="Nothing matches"
        description="Try another search or clear the filters."
        action={
          <Button
            variant="outline"
            size="sm"
            onClick={
              onClearFilters ??
              (() => update({ ...search, q: undefined, status: undefined, page: undefined }))
            }
          >
            Clear filters
          </Button>
        }
      />
    ) : (
      <EmptyState {...empty} />
    )
  } else {
    body = (
      <Table aria-label={label} aria-busy={query.isFetching}>
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            {columns.map((c) => (
              <TableHead key={c.key} className={c.className} aria-sort={ariaSort(search.sort, c.sort)}>
                {c.sort ? (
                  <SortHeader
                    label={c.header}
                    field={c.sort}
                    current={search.sort}
                    onSort={(sort) => update({ ...search, sort, page: undefined })}
                  />
                ) : (
                  c.header
                )}
              </TableHead>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {page.data.map((row) => (
            <TableRow key={row.id}>
              {columns.map((c) => (
                <TableCell key={c.key} className={c.className}>
                  {c.cell(row)}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    )
  }

  return (
    <Card>
      {(searchable || statusFilter || filters) && (
        <div className="flex flex-col gap-2 border-b p-3 sm:flex-row sm:items-center">
          {searchable && (
            <SearchBox
              value={search.q}
              placeholder={searchPlaceholder}
              onChange={(q) => update({ ...search, q, page: undefined })}
            />
          )}
          {statusFilter && (
            <StatusFilterSelect
              value={search.status}
              onChange={(status) => update({ ...search, status, page: undefined })}
            />
          )}
          {filters}
        </div>
      )}
      {body}
      {page && page.total > 0 && (
        <PageNav label={label} page={page} onPage={(n) => update({ ...search, page: n })} />
      )}
    </Card>
  )
}
