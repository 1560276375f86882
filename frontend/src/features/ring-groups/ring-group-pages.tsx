import { useSuspenseQuery } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { toast } from 'sonner'
import { useMe } from '@/api/me'
import { useCreate, useRemove, useUpdate } from '@/api/mutations'
import { ringGroups } from '@/api/resources'
import { DeleteButton } from '@/components/delete-button'
import { PageHeader } from '@/components/page-header'
import { canWriteConfig } from '@/lib/roles'
import { RingGroupForm } from './ring-group-form'
import { newRingGroup, toBody, toValues } from './schemas'
import { RoutesHere } from '@/components/routes-here'

export function NewRingGroupPage() {
  const create = useCreate(ringGroups)
  const navigate = useNavigate()
  return (
    <>
      <PageHeader title="New ring group" />
      <RingGroupForm
        creating
        readOnly={false}
        defaultValues={newRingGroup}
        onSubmit={async (values) => {
          const created = await create.mutateAsync(toBody(values))
          toast.success(`Ring group ${created.name} created`)
          await navigate({ to: '/ring-groups/$id', params: { id: created.id } })
        }}
      />
    </>
  )
}

export function EditRingGroupPage({ id }: { id: string }) {
  const { user, organization } = useMe()
  const { data: group } = useSuspenseQuery(ringGroups.detail(organization.id, id))
  const update = useUpdate(ringGroups, id)
  const remove = useRemove(ringGroups)
  const admin = canWriteConfig(user.role)
  return (
    <>
      <PageHeader
        title={group.name}
        description="Ring group"
        actions={
          admin && (
            <DeleteButton
              what={`ring group ${group.name}`}
              onDelete={() => remove.mutateAsync(id)}
              leaveTo="/ring-groups"
            />
          )
        }
      />
      <RingGroupForm
        key={group.updated_at}
        creating={false}
        readOnly={!admin}
        defaultValues={toValues(group)}
        onSubmit={async (values) => {
          await update.mutateAsync(toBody(values))
          toast.success('Changes saved')
        }}
      />
      <RoutesHere type="ring_group" id={id} />
    </>
  )
}
