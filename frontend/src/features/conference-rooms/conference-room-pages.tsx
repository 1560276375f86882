import { useSuspenseQuery } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { toast } from 'sonner'
import { useMe } from '@/api/me'
import { useCreate, useRemove, useUpdate } from '@/api/mutations'
import { conferenceRooms } from '@/api/resources'
import { DeleteButton } from '@/components/delete-button'
import { PageHeader } from '@/components/page-header'
import { canWriteConfig } from '@/lib/roles'
import { ConferenceRoomForm } from './conference-room-form'
import { newConferenceRoom, toNew, toUpdate, toValues } from './schemas'
import { RoutesHere } from '@/components/routes-here'

export function NewConferenceRoomPage() {
  const create = useCreate(conferenceRooms)
  const navigate = useNavigate()
  return (
    <>
      <PageHeader title="New conference room" />
      <ConferenceRoomForm
        creating
        readOnly={false}
        hasPin={false}
        defaultValues={newConferenceRoom}
        onSubmit={async (values) => {
          const created = await create.mutateAsync(toNew(values))
          toast.success(`Conference room ${created.name} created`)
          await navigate({ to: '/conference-rooms/$id', params: { id: created.id } })
        }}
      />
    </>
  )
}

export function EditConferenceRoomPage({ id }: { id: string }) {
  const { user, organization } = useMe()
  const { data: room } = useSuspenseQuery(conferenceRooms.detail(organization.id, id))
  const update = useUpdate(conferenceRooms, id)
  const remove = useRemove(conferenceRooms)
  const admin = canWriteConfig(user.role)
  return (
    <>
      <PageHeader
        title={room.name}
        description={room.number ? `Conference room · dial ${room.number}` : 'Conference room'}
        actions={
          admin && (
            <DeleteButton
              what={`conference room ${room.name}`}
              onDelete={() => remove.mutateAsync(id)}
              leaveTo="/conference-rooms"
            />
          )
        }
      />
      <ConferenceRoomForm
        key={room.updated_at}
        creating={false}
        readOnly={!admin}
        hasPin={room.has_pin}
        defaultValues={toValues(room)}
        onSubmit={async (values) => {
          await update.mutateAsync(toUpdate(values))
          toast.success('Changes saved')
        }}
      />
      <RoutesHere type="conference_room" id={id} />
    </>
  )
}
