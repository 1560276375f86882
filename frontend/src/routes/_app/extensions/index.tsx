import { createFileRoute } from '@tanstack/react-router'
import { extensions } from '@/api/resources'
import { extensionSorts } from '@/features/extensions/api'
import { ExtensionsPage } from '@/features/extensions/extensions-page'
import { allow } from '@/lib/guard'
import { listQuery, listSearch } from '@/lib/list-search'
import { canReadConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/extensions/')({
  validateSearch: listSearch(extensionSorts),
  beforeLoad: allow(canReadConfig),
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) =>
    context.queryClient.ensureQueryData(extensions.list(context.me.organization.id, listQuery(deps))),
  component: function Extensions() {
    const navigate = Route.useNavigate()
    return <ExtensionsPage search={Route.useSearch()} onSearchChange={(search) => navigate({ search })} />
  },
})
