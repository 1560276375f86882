import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { type Column, DataTable } from '@/components/data-table'
import { NewLink } from '@/components/list-parts'
import { PageHeader } from '@/components/page-header'
import { NativeSelect } from '@/components/ui/input'
import {
  type OrganizationSearch,
  type OrganizationSort,
  organizationsQuery,
  orgStatuses,
  type OrgStatus,
  type PlatformOrganization,
} from './api'
import { localTime, statusLabel } from './format'
import { OrgStatusBadge } from './org-parts'

const columns: Column<PlatformOrganization, OrganizationSort>[] = [
  {
    key: 'name',
    header: 'Name',
    sort: 'name',
    cell: (o) => (
      <Link
        to="/platform/organizations/$id"
        params={{ id: o.id }}
        className="font-medium text-primary hover:underline"
      >
        {o.name}
      </Link>
    ),
  },
  { key: 'slug', header: 'Slug', sort: 'slug', className: 'hidden md:table-cell', cell: (o) => o.slug },
  { key: 'status', header: 'Status', sort: 'status', cell: (o) => <OrgStatusBadge status={o.status} /> },
  { key: 'users', header: 'Users', className: 'hidden sm:table-cell text-right', cell: (o) => o.users },
  {
    key: 'extensions',
    header: 'Extensions',
    className: 'hidden lg:table-cell text-right',
    cell: (o) => o.extensions,
  },
  {
    key: 'numbers',
    header: 'Numbers',
    className: 'hidden lg:table-cell text-right',
    cell: (o) => o.phone_numbers,
  },
  {
    key: 'last_call',
    header: 'Last call',
    className: 'hidden md:table-cell',
    cell: (o) =>
      o.last_call_at ? localTime(o.last_call_at) : <span className="text-muted-foreground">None</span>,
  },
]

/** Every organization on the platform, with its status and counts. */
export function OrganizationsPage({
  search,
  onSearchChange,
}: {
  search: OrganizationSearch
  onSearchChange: (next: OrganizationSearch) => void
}) {
  const query = useQuery(organizationsQuery(search))
  const { status, ...rest } = search
  const add = <NewLink to="/platform/organizations/new">New organization</NewLink>
  return (
    <>
      <PageHeader
        title="Organizations"
        description="The tenants on this platform: their status, size and last call. Their calls and secrets stay theirs."
        actions={add}
      />
      <DataTable
        label="Organizations"
        columns={columns}
        query={query}
        search={rest}
        onSearchChange={(next) => onSearchChange({ q: next.q, page: next.page, sort: next.sort, status })}
        searchPlaceholder="Search name or slug"
        statusFilter={false}
        filtered={Boolean(status)}
        onClearFilters={() => onSearchChange({ sort: search.sort })}
        filters={
          <NativeSelect
            aria-label="Status"
            className="w-full sm:w-40"
            value={status ?? ''}
            onChange={(e) =>
              onSearchChange({ ...rest, page: undefined, status: (e.target.value || undefined) as OrgStatus })
            }
          >
            <option value="">Any status</option>
            {orgStatuses.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </NativeSelect>
        }
        empty={{
          title: 'No organizations yet',
          description: 'Create one: its first owner gets an invitation by email.',
          action: add,
        }}
      />
    </>
  )
}
