import { createFileRoute } from '@tanstack/react-router'
import { ivrMenus } from '@/api/resources'
import { ivrMenuSorts } from '@/features/ivr-menus/api'
import { IvrMenusPage } from '@/features/ivr-menus/ivr-menus-page'
import { allow } from '@/lib/guard'
import { listQuery, listSearch } from '@/lib/list-search'
import { canReadConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/ivr-menus/')({
  validateSearch: listSearch(ivrMenuSorts),
  beforeLoad: allow(canReadConfig),
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) =>
    context.queryClient.ensureQueryData(ivrMenus.list(context.me.organization.id, listQuery(deps))),
  component: function IvrMenus() {
    const navigate = Route.useNavigate()
    return <IvrMenusPage search={Route.useSearch()} onSearchChange={(search) => navigate({ search })} />
  },
})
