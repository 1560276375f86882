import { createFileRoute } from '@tanstack/react-router'
import { businessHours } from '@/api/resources'
import { EditBusinessHoursPage } from '@/features/business-hours/business-hours-pages'
import { allow, orNotFound } from '@/lib/guard'
import { canReadConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/business-hours/$id')({
  beforeLoad: allow(canReadConfig),
  loader: ({ context, params }) =>
    orNotFound(
      context.queryClient.ensureQueryData(businessHours.detail(context.me.organization.id, params.id)),
    ),
  component: function BusinessHours() {
    return <EditBusinessHoursPage id={Route.useParams().id} />
  },
})
