import { createFileRoute } from '@tanstack/react-router'
import { ringGroups } from '@/api/resources'
import { ringGroupSorts } from '@/features/ring-groups/api'
import { RingGroupsPage } from '@/features/ring-groups/ring-groups-page'
import { allow } from '@/lib/guard'
import { listQuery, listSearch } from '@/lib/list-search'
import { canReadConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/ring-groups/')({
  validateSearch: listSearch(ringGroupSorts),
  beforeLoad: allow(canReadConfig),
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) =>
    context.queryClient.ensureQueryData(ringGroups.list(context.me.organization.id, listQuery(deps))),
  component: function RingGroups() {
    const navigate = Route.useNavigate()
    return <RingGroupsPage search={Route.useSearch()} onSearchChange={(search) => navigate({ search })} />
  },
})
