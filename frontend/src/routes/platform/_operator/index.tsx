import { createFileRoute } from '@tanstack/react-router'
import { organizationSearch, organizationsQuery } from '@/features/platform/api'
import { OrganizationsPage } from '@/features/platform/organizations-page'

export const Route = createFileRoute('/platform/_operator/')({
  validateSearch: organizationSearch,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => context.queryClient.ensureQueryData(organizationsQuery(deps)),
  component: function Organizations() {
    const navigate = Route.useNavigate()
    return <OrganizationsPage search={Route.useSearch()} onSearchChange={(search) => navigate({ search })} />
  },
})
