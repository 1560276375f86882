import { useSuspenseQuery } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { toast } from 'sonner'
import { useMe } from '@/api/me'
import { useCreate, useRemove, useUpdate } from '@/api/mutations'
import { outboundRoutes } from '@/api/resources'
import { DeleteButton } from '@/components/delete-button'
import { PageHeader } from '@/components/page-header'
import { canWriteConfig } from '@/lib/roles'
import { DialTest } from './dial-test'
import { OutboundRouteForm } from './outbound-route-form'
import { newOutboundRoute, toNew, toUpdate, toValues } from './schemas'

export function NewOutboundRoutePage() {
  const create = useCreate(outboundRoutes)
  const navigate = useNavigate()
  return (
    <>
      <PageHeader title="New outbound route" />
      <OutboundRouteForm
        creating
        readOnly={false}
        defaultValues={newOutboundRoute}
        onSubmit={async (values) => {
          const created = await create.mutateAsync(toNew(values))
          toast.success(`Route ${created.name} created`)
          await navigate({ to: '/outbound-routes/$id', params: { id: created.id } })
        }}
      />
    </>
  )
}

export function EditOutboundRoutePage({ id }: { id: string }) {
  const { user, organization } = useMe()
  const { data: route } = useSuspenseQuery(outboundRoutes.detail(organization.id, id))
  const update = useUpdate(outboundRoutes, id)
  const remove = useRemove(outboundRoutes)
  const admin = canWriteConfig(user.role)
  return (
    <>
      <PageHeader
        title={route.name}
        description={`Outbound route · priority ${route.priority}`}
        actions={
          admin && (
            <DeleteButton
              what={`outbound route ${route.name}`}
              onDelete={() => remove.mutateAsync(id)}
              leaveTo="/outbound-routes"
            />
          )
        }
      />
      <div className="flex flex-col gap-4">
        <OutboundRouteForm
          key={route.updated_at}
          creating={false}
          readOnly={!admin}
          defaultValues={toValues(route)}
          onSubmit={async (values) => {
            await update.mutateAsync(toUpdate(values))
            toast.success('Changes saved')
          }}
        />
        <DialTest />
      </div>
    </>
  )
}
