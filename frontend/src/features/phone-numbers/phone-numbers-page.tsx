import { useQuery } from '@tanstack/react-query'
import type { Schemas } from '@/api/client'
import { useMe } from '@/api/me'
import { phoneNumbers } from '@/api/resources'
import type { Column } from '@/components/data-table'
import { DestinationName } from '@/components/destination-picker'
import { RowLink } from '@/components/list-parts'
import { ListScreen } from '@/components/list-screen'
import { statusColumn } from '@/components/status-column'
import { type ListPageProps, listQuery } from '@/lib/list-search'
import type { PhoneNumberSort } from './api'

type PhoneNumberView = Schemas['PhoneNumberView']

const columns: Column<PhoneNumberView, PhoneNumberSort>[] = [
  {
    key: 'number',
    header: 'Number',
    sort: 'number',
    cell: (n) => (
      <RowLink to="/phone-numbers/$id" id={n.id} mono>
        {n.number}
      </RowLink>
    ),
  },
  {
    key: 'label',
    header: 'Label',
    sort: 'label',
    cell: (n) => n.label || <span className="text-muted-foreground">—</span>,
  },
  {
    key: 'destination',
    header: 'Calls go to',
    cell: (n) => <DestinationName destination={n.destination} withType />,
  },
  statusColumn('hidden sm:table-cell'),
]

export function PhoneNumbersPage(list: ListPageProps<PhoneNumberSort>) {
  const { organization } = useMe()
  const query = useQuery(phoneNumbers.list(organization.id, listQuery(list.search)))
  return (
    <ListScreen
      title="Phone numbers"
      description="Your numbers from Cloudonix and where their calls go."
      create={{ to: '/phone-numbers/new', label: 'Add number' }}
      list={list}
      query={query}
      columns={columns}
      searchPlaceholder="Search number or label"
      empty={{
        title: 'No phone numbers yet',
        description:
          'Add the numbers your Cloudonix domain receives calls on, and choose where each one rings.',
      }}
    />
  )
}
