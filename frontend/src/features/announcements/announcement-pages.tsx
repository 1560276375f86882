import { useSuspenseQuery } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { toast } from 'sonner'
import { useMe } from '@/api/me'
import { useCreate, useRemove, useUpdate } from '@/api/mutations'
import { announcements } from '@/api/resources'
import { DeleteButton } from '@/components/delete-button'
import { PageHeader } from '@/components/page-header'
import { RoutesHere } from '@/components/routes-here'
import { canWriteConfig } from '@/lib/roles'
import { AnnouncementForm } from './announcement-form'
import { newAnnouncement, toNew, toUpdate, toValues } from './schemas'

export function NewAnnouncementPage() {
  const create = useCreate(announcements)
  const navigate = useNavigate()
  return (
    <>
      <PageHeader title="New announcement" />
      <AnnouncementForm
        creating
        readOnly={false}
        defaultValues={newAnnouncement}
        onSubmit={async (values) => {
          const created = await create.mutateAsync(toNew(values))
          toast.success(`Announcement ${created.name} created`)
          await navigate({ to: '/announcements/$id', params: { id: created.id } })
        }}
      />
    </>
  )
}

export function EditAnnouncementPage({ id }: { id: string }) {
  const { user, organization } = useMe()
  const { data: announcement } = useSuspenseQuery(announcements.detail(organization.id, id))
  const update = useUpdate(announcements, id)
  const remove = useRemove(announcements)
  const admin = canWriteConfig(user.role)
  return (
    <>
      <PageHeader
        title={announcement.name}
        description="Announcement"
        actions={
          admin && (
            <DeleteButton
              what={`announcement ${announcement.name}`}
              onDelete={() => remove.mutateAsync(id)}
              leaveTo="/announcements"
            />
          )
        }
      />
      <AnnouncementForm
        key={announcement.updated_at}
        creating={false}
        readOnly={!admin}
        defaultValues={toValues(announcement)}
        onSubmit={async (values) => {
          await update.mutateAsync(toUpdate(values))
          toast.success('Changes saved')
        }}
      />
      <RoutesHere type="announcement" id={id} />
    </>
  )
}
