import { createFileRoute } from '@tanstack/react-router'
import { OverviewPage } from '@/features/overview/overview-page'
import { dashboardSearch } from '@/features/overview/period'

export const Route = createFileRoute('/_app/')({
  validateSearch: dashboardSearch,
  component: function Overview() {
    const navigate = Route.useNavigate()
    return <OverviewPage search={Route.useSearch()} onSearchChange={(search) => navigate({ search })} />
  },
})
