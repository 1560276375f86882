import { useQuery } from '@tanstack/react-query'
import type { Schemas } from '@/api/client'
import { useMe } from '@/api/me'
import { outboundRoutes } from '@/api/resources'
import type { Column } from '@/components/data-table'
import { RowLink } from '@/components/list-parts'
import { ListScreen } from '@/components/list-screen'
import { statusColumn } from '@/components/status-column'
import { type ListPageProps, listQuery } from '@/lib/list-search'
import type { OutboundRouteSort } from './api'
import { DialTest } from './dial-test'

type OutboundRouteView = Schemas['OutboundRouteView']

function rewrite(r: OutboundRouteView): string {
  const steps = [
    r.strip_digits ? `strip ${r.strip_digits}` : null,
    r.prepend ? `add ${r.prepend}` : null,
  ].filter(Boolean)
  return steps.length ? steps.join(', ') : 'as dialled'
}

const columns: Column<OutboundRouteView, OutboundRouteSort>[] = [
  {
    key: 'priority',
    header: 'Priority',
    sort: 'priority',
    className: 'w-20',
    cell: (r) => <span className="tabular-nums">{r.priority}</span>,
  },
  {
    key: 'name',
    header: 'Name',
    sort: 'name',
    cell: (r) => (
      <RowLink to="/outbound-routes/$id" id={r.id}>
        {r.name}
      </RowLink>
    ),
  },
  {
    key: 'match',
    header: 'Matches',
    cell: (r) => (
      <span>
        <span className="text-muted-foreground">{r.match_kind === 'prefix' ? 'starts ' : 'is '}</span>
        <span className="font-mono">{r.match_value}</span>
      </span>
    ),
  },
  { key: 'rewrite', header: 'Sends', className: 'hidden md:table-cell', cell: rewrite },
  { key: 'trunk', header: 'Trunk', sort: 'trunk', className: 'hidden md:table-cell', cell: (r) => r.trunk },
  statusColumn('hidden sm:table-cell'),
]

export function OutboundRoutesPage(list: ListPageProps<OutboundRouteSort>) {
  const { organization } = useMe()
  const query = useQuery(outboundRoutes.list(organization.id, listQuery(list.search)))
  return (
    <div className="flex flex-col gap-4">
      <div>
        <ListScreen
          title="Outbound routes"
          description="Which trunk outside calls use, by the number dialled: tried by priority, the first match wins."
          create={{ to: '/outbound-routes/new', label: 'New route' }}
          list={list}
          query={query}
          columns={columns}
          searchPlaceholder="Search name or match"
          empty={{
            title: 'No outbound routes yet',
            description: 'Without a route, phones cannot call outside numbers.',
          }}
        />
      </div>
      <DialTest />
    </div>
  )
}
