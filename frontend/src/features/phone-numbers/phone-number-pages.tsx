import { useSuspenseQuery } from '@tanstack/react-query'
import { Link, useNavigate } from '@tanstack/react-router'
import { toast } from 'sonner'
import { useMe } from '@/api/me'
import { useCreate, useRemove, useUpdate } from '@/api/mutations'
import { phoneNumbers } from '@/api/resources'
import { DeleteButton } from '@/components/delete-button'
import { PageHeader } from '@/components/page-header'
import { buttonVariants } from '@/components/ui/button-variants'
import { canWriteConfig } from '@/lib/roles'
import { PhoneNumberForm } from './phone-number-form'
import { newPhoneNumber, toBody, toValues } from './schemas'

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
  const admin = canWriteConfig(user.role)
  return (
    <>
      <PageHeader
        title={number.label ? `${number.number} · ${number.label}` : number.number}
        actions={
          <>
            <Link
              to="/phone-numbers/$id/graph"
              params={{ id }}
              className={buttonVariants({ variant: 'outline', size: 'sm' })}
            >
              Call-flow graph
            </Link>
            {admin && (
              <DeleteButton
                what={`phone number ${number.number}`}
                onDelete={() => remove.mutateAsync(id)}
                leaveTo="/phone-numbers"
              />
            )}
          </>
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
