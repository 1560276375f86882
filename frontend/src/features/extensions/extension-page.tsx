import { useSuspenseQuery } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { toast } from 'sonner'
import { useMe } from '@/api/me'
import { useCreate, useRemove, useUpdate } from '@/api/mutations'
import { extensions } from '@/api/resources'
import { DeleteButton } from '@/components/delete-button'
import { PageHeader } from '@/components/page-header'
import { SYNC_POLL_MS, SyncStatus } from '@/components/sync-state'
import { canWriteConfig } from '@/lib/roles'
import { ExtensionForm } from './extension-form'
import { newExtension, toNew, toUpdate, toValues } from './schemas'
import { SipPasswordCard } from './sip-password'
import { RoutesHere } from '@/components/routes-here'

export function NewExtensionPage() {
  const create = useCreate(extensions)
  const navigate = useNavigate()
  return (
    <>
      <PageHeader title="New extension" />
      <ExtensionForm
        creating
        defaultValues={newExtension}
        onSubmit={async (values) => {
          const created = await create.mutateAsync(toNew(values))
          toast.success(`Extension ${created.number} created`)
          await navigate({ to: '/extensions/$id', params: { id: created.id } })
        }}
      />
    </>
  )
}

export function EditExtensionPage({ id }: { id: string }) {
  const { user, organization } = useMe()
  const { data: extension } = useSuspenseQuery({
    ...extensions.detail(organization.id, id),
    // A pending sync settles within seconds; the page follows it without a reload.
    refetchInterval: (query) =>
      query.state.data?.cloudonix_sync?.state === 'pending' ? SYNC_POLL_MS : false,
  })
  const update = useUpdate(extensions, id)
  const remove = useRemove(extensions)
  const admin = canWriteConfig(user.role)
  const own = extension.user_id === user.id
  const title = `${extension.number} · ${extension.name}`

  return (
    <>
      <PageHeader
        title={title}
        description={
          admin
            ? undefined
            : own
              ? 'Your extension: you may change how it handles calls.'
              : 'Only owners and PBX admins change this extension.'
        }
        actions={
          admin && (
            <DeleteButton
              what={`extension ${title}`}
              onDelete={() => remove.mutateAsync(id)}
              leaveTo="/extensions"
            />
          )
        }
      />
      <div className="flex flex-col gap-4">
        <SyncStatus sync={extension.cloudonix_sync} canRetry={admin} />
        <ExtensionForm
          key={extension.updated_at}
          creating={false}
          linkedUserId={extension.user_id}
          defaultValues={toValues(extension)}
          onSubmit={async (values, dirty) => {
            await update.mutateAsync(toUpdate(values, dirty))
            toast.success('Changes saved')
          }}
        />
        {(admin || own) && <SipPasswordCard extensionId={id} />}
      </div>
      <RoutesHere type="extension" id={id} />
    </>
  )
}
