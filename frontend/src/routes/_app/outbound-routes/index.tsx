import { createFileRoute } from '@tanstack/react-router'
import { outboundRoutes } from '@/api/resources'
import { outboundRouteSorts } from '@/features/outbound-routes/api'
import { OutboundRoutesPage } from '@/features/outbound-routes/outbound-routes-page'
import { allow } from '@/lib/guard'
import { listQuery, listSearch } from '@/lib/list-search'
import { canReadConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/outbound-routes/')({
  validateSearch: listSearch(outboundRouteSorts),
  beforeLoad: allow(canReadConfig),
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) =>
    context.queryClient.ensureQueryData(outboundRoutes.list(context.me.organization.id, listQuery(deps))),
  component: function OutboundRoutes() {
    const navigate = Route.useNavigate()
    return <OutboundRoutesPage search={Route.useSearch()} onSearchChange={(search) => navigate({ search })} />
  },
})
