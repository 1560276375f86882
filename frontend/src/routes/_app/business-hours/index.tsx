import { createFileRoute } from '@tanstack/react-router'
import { businessHours } from '@/api/resources'
import { businessHoursSorts } from '@/features/business-hours/api'
import { BusinessHoursPage } from '@/features/business-hours/business-hours-page'
import { allow } from '@/lib/guard'
import { listQuery, listSearch } from '@/lib/list-search'
import { canReadConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/business-hours/')({
  validateSearch: listSearch(businessHoursSorts),
  beforeLoad: allow(canReadConfig),
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) =>
    context.queryClient.ensureQueryData(businessHours.list(context.me.organization.id, listQuery(deps))),
  component: function BusinessHoursList() {
    const navigate = Route.useNavigate()
    return <BusinessHoursPage search={Route.useSearch()} onSearchChange={(search) => navigate({ search })} />
  },
})
