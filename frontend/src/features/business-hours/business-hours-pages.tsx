import { useSuspenseQuery } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import { toast } from 'sonner'
import { useMe } from '@/api/me'
import { useCreate, useRemove, useUpdate } from '@/api/mutations'
import { businessHours } from '@/api/resources'
import { DeleteButton } from '@/components/delete-button'
import { PageHeader } from '@/components/page-header'
import { canWriteConfig } from '@/lib/roles'
import { BusinessHoursForm } from './business-hours-form'
import { OverrideCard, ScheduleStatus } from './schedule-status'
import { newBusinessHours, toBody, toValues } from './schemas'
import { RoutesHere } from '@/components/routes-here'

export function NewBusinessHoursPage() {
  const { organization } = useMe()
  const create = useCreate(businessHours)
  const navigate = useNavigate()
  return (
    <>
      <PageHeader title="New schedule" description="Business hours" />
      <BusinessHoursForm
        creating
        readOnly={false}
        defaultValues={newBusinessHours(organization.timezone)}
        onSubmit={async (values) => {
          const created = await create.mutateAsync(toBody(values))
          toast.success(`Schedule ${created.name} created`)
          await navigate({ to: '/business-hours/$id', params: { id: created.id } })
        }}
      />
    </>
  )
}

export function EditBusinessHoursPage({ id }: { id: string }) {
  const { user, organization } = useMe()
  const { data: schedule } = useSuspenseQuery(businessHours.detail(organization.id, id))
  const update = useUpdate(businessHours, id)
  const remove = useRemove(businessHours)
  const admin = canWriteConfig(user.role)
  return (
    <>
      <PageHeader
        title={schedule.name}
        description={<ScheduleStatus id={id} />}
        actions={
          admin && (
            <DeleteButton
              what={`schedule ${schedule.name}`}
              onDelete={() => remove.mutateAsync(id)}
              leaveTo="/business-hours"
            />
          )
        }
      />
      <div className="flex flex-col gap-4">
        <OverrideCard schedule={schedule} admin={admin} />
        <BusinessHoursForm
          key={schedule.updated_at}
          creating={false}
          readOnly={!admin}
          defaultValues={toValues(schedule)}
          onSubmit={async (values) => {
            await update.mutateAsync(toBody(values))
            toast.success('Changes saved')
          }}
        />
      </div>
      <RoutesHere type="business_hours" id={id} />
    </>
  )
}
