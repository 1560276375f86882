import { createFileRoute } from '@tanstack/react-router'
import { conferenceRooms } from '@/api/resources'
import { conferenceRoomSorts } from '@/features/conference-rooms/api'
import { ConferenceRoomsPage } from '@/features/conference-rooms/conference-rooms-page'
import { allow } from '@/lib/guard'
import { listQuery, listSearch } from '@/lib/list-search'
import { canReadConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/conference-rooms/')({
  validateSearch: listSearch(conferenceRoomSorts),
  beforeLoad: allow(canReadConfig),
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) =>
    context.queryClient.ensureQueryData(conferenceRooms.list(context.me.organization.id, listQuery(deps))),
  component: function ConferenceRooms() {
    const navigate = Route.useNavigate()
    return (
      <ConferenceRoomsPage search={Route.useSearch()} onSearchChange={(search) => navigate({ search })} />
    )
  },
})
