import { useQuery } from '@tanstack/react-query'
import type { Schemas } from '@/api/client'
import { useMe } from '@/api/me'
import { phoneNumbers } from '@/api/resources'
import { type Column, DataTable } from '@/components/data-table'
import { DestinationName } from '@/components/destination-picker'
import { NewLink, RowLink } from '@/components/list-parts'
import { statusColumn } from '@/components/status-column'
import { PageHeader } from '@/components/page-header'
import { type ListPageProps, listQuery } from '@/lib/list-search'
import type { PhoneNumberSort } from './api'
import { canWriteConfig } from '@/lib/roles'

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
  const { user, organization } = useMe()
  const query = useQuery(phoneNumbers.list(organization.id, listQuery(list.search)))
  const admin = canWriteConfig(user.role)
  const add = admin && <NewLink to="/phone-numbers/new">Add number</NewLink>
  return (
    <>
      <PageHeader
        title="Phone numbers"
        description="Your numbers from Cloudonix and where their calls go."
        actions={add}
      />
      <DataTable
        label="Phone numbers"
        columns={columns}
        {...list}
        query={query}
        searchPlaceholder="Search number or label"
        empty={{
          title: 'No phone numbers yet',
          description:
            'Add the numbers your Cloudonix domain receives calls on, and choose where each one rings.',
          action: add,
        }}
      />
    </>
  )
}
