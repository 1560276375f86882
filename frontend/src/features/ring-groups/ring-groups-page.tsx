import { useQuery } from '@tanstack/react-query'
import { useMe } from '@/api/me'
import { ringGroups } from '@/api/resources'
import type { Column } from '@/components/data-table'
import { DestinationName } from '@/components/destination-picker'
import { RowLink } from '@/components/list-parts'
import { ListScreen } from '@/components/list-screen'
import { statusColumn } from '@/components/status-column'
import type { Schemas } from '@/api/client'
import { type ListPageProps, listQuery } from '@/lib/list-search'
import type { RingGroupSort } from './api'
import { strategies } from './strategies'

type RingGroupView = Schemas['RingGroupView']

const columns: Column<RingGroupView, RingGroupSort>[] = [
  {
    key: 'name',
    header: 'Name',
    sort: 'name',
    cell: (g) => (
      <RowLink to="/ring-groups/$id" id={g.id}>
        {g.name}
      </RowLink>
    ),
  },
  { key: 'strategy', header: 'Rings', sort: 'strategy', cell: (g) => strategies[g.strategy].label },
  {
    key: 'members',
    header: 'Members',
    className: 'hidden sm:table-cell',
    cell: (g) => <span className="tabular-nums">{g.members.length}</span>,
  },
  {
    key: 'fallback',
    header: 'Then',
    className: 'hidden md:table-cell',
    cell: (g) => <DestinationName destination={g.fallback} withType />,
  },
  statusColumn('hidden sm:table-cell'),
]

export function RingGroupsPage(list: ListPageProps<RingGroupSort>) {
  const { organization } = useMe()
  const query = useQuery(ringGroups.list(organization.id, listQuery(list.search)))
  return (
    <ListScreen
      title="Ring groups"
      description="Extensions that ring together, in order or in rotation, with somewhere to go when nobody answers."
      create={{ to: '/ring-groups/new', label: 'New ring group' }}
      list={list}
      query={query}
      columns={columns}
      searchPlaceholder="Search name"
      empty={{
        title: 'No ring groups yet',
        description: 'A ring group lets a team answer one number: sales, support, the front desk.',
      }}
    />
  )
}
