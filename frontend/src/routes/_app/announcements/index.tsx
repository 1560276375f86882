import { createFileRoute } from '@tanstack/react-router'
import { announcements } from '@/api/resources'
import { announcementSorts } from '@/features/announcements/api'
import { AnnouncementsPage } from '@/features/announcements/announcements-page'
import { allow } from '@/lib/guard'
import { listQuery, listSearch } from '@/lib/list-search'
import { canReadConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/announcements/')({
  validateSearch: listSearch(announcementSorts, { status: false }),
  beforeLoad: allow(canReadConfig),
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) =>
    context.queryClient.ensureQueryData(announcements.list(context.me.organization.id, listQuery(deps))),
  component: function Announcements() {
    const navigate = Route.useNavigate()
    return <AnnouncementsPage search={Route.useSearch()} onSearchChange={(search) => navigate({ search })} />
  },
})
