import { useQuery, useSuspenseQuery } from '@tanstack/react-query'
import { Link, useNavigate } from '@tanstack/react-router'
import { PlusIcon } from 'lucide-react'
import { toast } from 'sonner'
import { useMe } from '@/api/me'
import { useCreate, useRemove, useUpdate } from '@/api/mutations'
import { phoneNumbers } from '@/api/resources'
import { type Column, DataTable } from '@/components/data-table'
import { DeleteButton } from '@/components/delete-button'
import { DestinationName } from '@/components/destination-picker'
import { PageHeader } from '@/components/page-header'
import { Badge } from '@/components/ui/badge'
import { Button } from '@/components/ui/button'
import { type ListSearch, listQuery } from '@/lib/list-search'
import { canWriteConfig } from '@/lib/roles'
import { PhoneNumberForm } from './phone-number-form'
import { newPhoneNumber, type PhoneNumberView, toBody, toValues } from './schemas'

const columns: Column<PhoneNumberView>[] = [
  {
    key: 'number',
    header: 'Number',
    sort: 'number',
    cell: (n) => (
      <Link to="/phone-numbers/$id" params={{ id: n.id }} className="font-mono font-medium text-primary hover:underline">
        {n.number}
      </Link>
    ),
  },
  { key: 'label', header: 'Label', sort: 'label', cell: (n) => n.label || <span className="text-muted-foreground">—</span> },
  { key: 'destination', header: 'Calls go to', cell: (n) => <DestinationName destination={n.destination} withType /> },
  {
    key: 'status',
    header: 'Status',
    sort: 'status',
    className: 'hidden sm:table-cell',
    cell: (n) => <Badge variant={n.status === 'active' ? 'success' : 'outline'}>{n.status === 'active' ? 'Active' : 'Inactive'}</Badge>,
  },
]

export function PhoneNumbersPage({
  search,
  onSearchChange,
}: {
  search: ListSearch
  onSearchChange: (next: ListSearch) => void
}) {
  const { user, organization } = useMe()
  const query = useQuery(phoneNumbers.list(organization.id, listQuery(search)))
  const admin = canWriteConfig(user.role)
  const add = admin && (
    <Button asChild>
      <Link to="/phone-numbers/new">
        <PlusIcon aria-hidden /> Add number
      </Link>
    </Button>
  )
  return (
    <>
      <PageHeader title="Phone numbers" description="Your numbers from Cloudonix and where their calls go." actions={add} />
      <DataTable
        label="Phone numbers"
        columns={columns}
        query={query}
        search={search}
        onSearchChange={onSearchChange}
        rowKey={(n) => n.id}
        searchPlaceholder="Search number or label"
        empty={{
          title: 'No phone numbers yet',
          description: 'Add the numbers your Cloudonix domain receives calls on, and choose where each one rings.',
          action: add,
        }}
      />
    </>
  )
}

export function NewPhoneNumberPage() {
  const create = useCreate(phoneNumbers)
  const navigate = useNavigate()
  return (
    <>
      <PageHeader title="Add phone number" />
      <PhoneNumberForm
        creating
        readOnly={false}
        defaultValues={newPhoneNumber}
        onSubmit={async (values) => {
          const created = await create.mutateAsync(toBody(values))
          toast.success(`${created.number} added`)
          await navigate({ to: '/phone-numbers' })
        }}
      />
    </>
  )
}

export function EditPhoneNumberPage({ id }: { id: string }) {
  const { user, organization } = useMe()
  const { data: number } = useSuspenseQuery(phoneNumbers.detail(organization.id, id))
  const update = useUpdate(phoneNumbers, id)
  const remove = useRemove(phoneNumbers)
  const navigate = useNavigate()
  const admin = canWriteConfig(user.role)
  return (
    <>
      <PageHeader
        title={number.label ? `${number.number} · ${number.label}` : number.number}
        actions={
          admin && (
            <DeleteButton
              what={`phone number ${number.number}`}
              onDelete={async () => {
                await remove.mutateAsync(id)
                toast.success(`${number.number} deleted`)
                await navigate({ to: '/phone-numbers' })
              }}
            />
          )
        }
      />
      <PhoneNumberForm
        key={number.updated_at}
        creating={false}
        readOnly={!admin}
        defaultValues={toValues(number)}
        onSubmit={async (values) => {
          await update.mutateAsync(toBody(values))
          toast.success('Changes saved')
        }}
      />
    </>
  )
}
