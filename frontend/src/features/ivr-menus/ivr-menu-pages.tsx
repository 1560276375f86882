import { useSuspenseQuery } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { toast } from 'sonner'
import { useMe } from '@/api/me'
import { useCreate, useRemove, useUpdate } from '@/api/mutations'
import { ivrMenus } from '@/api/resources'
import { DeleteButton } from '@/components/delete-button'
import { PageHeader } from '@/components/page-header'
import { canWriteConfig } from '@/lib/roles'
import { IvrMenuForm } from './ivr-menu-form'
import { newIvrMenu, toNew, toUpdate, toValues } from './schemas'
import { RoutesHere } from '@/components/routes-here'

export function NewIvrMenuPage() {
  const create = useCreate(ivrMenus)
  const navigate = useNavigate()
  return (
    <>
      <PageHeader title="New IVR menu" />
      <IvrMenuForm
        creating
        readOnly={false}
        defaultValues={newIvrMenu}
        onSubmit={async (values) => {
          const created = await create.mutateAsync(toNew(values))
          toast.success(`Menu ${created.name} created`)
          await navigate({ to: '/ivr-menus/$id', params: { id: created.id } })
        }}
      />
    </>
  )
}

export function EditIvrMenuPage({ id }: { id: string }) {
  const { user, organization } = useMe()
  const { data: menu } = useSuspenseQuery(ivrMenus.detail(organization.id, id))
  const update = useUpdate(ivrMenus, id)
  const remove = useRemove(ivrMenus)
  const admin = canWriteConfig(user.role)
  return (
    <>
      <PageHeader
        title={menu.name}
        description="IVR menu"
        actions={
          admin && (
            <DeleteButton
              what={`menu ${menu.name}`}
              onDelete={() => remove.mutateAsync(id)}
              leaveTo="/ivr-menus"
            />
          )
        }
      />
      <IvrMenuForm
        key={menu.updated_at}
        creating={false}
        readOnly={!admin}
        defaultValues={toValues(menu)}
        onSubmit={async (values) => {
          await update.mutateAsync(toUpdate(values))
          toast.success('Changes saved')
        }}
      />
      <RoutesHere type="ivr_menu" id={id} />
    </>
  )
}
