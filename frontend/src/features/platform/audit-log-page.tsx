import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { type Column, DataTable } from '@/components/data-table'
import { PageHeader } from '@/components/page-header'
import { auditLogQuery, type PlatformAuditEntry } from './api'
import { localTime } from './format'

const columns: Column<PlatformAuditEntry>[] = [
  {
    key: 'at',
    header: 'When',
    cell: (e) => <span className="whitespace-nowrap">{localTime(e.created_at)}</span>,
  },
  { key: 'who', header: 'Who', cell: (e) => e.actor_label },
  { key: 'action', header: 'Action', cell: (e) => e.action.replace(/_/g, ' ') },
  {
    key: 'organization',
    header: 'Organization',
    className: 'hidden sm:table-cell',
    cell: (e) =>
      e.organization_id && (
        <Link
          to="/platform/organizations/$id"
          params={{ id: e.organization_id }}
          className="text-primary hover:underline"
        >
          {typeof e.detail?.name === 'string' ? e.detail.name : 'Open'}
        </Link>
      ),
  },
  { key: 'ip', header: 'Address', className: 'hidden md:table-cell', cell: (e) => e.source_ip },
]

/** Every operator action and purge, newest first. */
export function PlatformAuditLogPage({ page, onPage }: { page: number; onPage: (page?: number) => void }) {
  const query = useQuery(auditLogQuery(page))
  return (
    <>
      <PageHeader
        title="Platform audit log"
        description="Every operator action and every purge, newest first."
      />
      <DataTable
        label="Platform audit log"
        columns={columns}
        query={query}
        search={{ page }}
        onSearchChange={(next) => onPage(next.page)}
        searchable={false}
        statusFilter={false}
        empty={{ title: 'Nothing yet' }}
      />
    </>
  )
}
