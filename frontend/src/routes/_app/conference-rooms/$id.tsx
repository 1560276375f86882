import { createFileRoute } from '@tanstack/react-router'
import { conferenceRooms } from '@/api/resources'
import { EditConferenceRoomPage } from '@/features/conference-rooms/conference-room-pages'
import { allow, orNotFound } from '@/lib/guard'
import { canReadConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/conference-rooms/$id')({
  beforeLoad: allow(canReadConfig),
  loader: ({ context, params }) =>
    orNotFound(
      context.queryClient.ensureQueryData(conferenceRooms.detail(context.me.organization.id, params.id)),
    ),
  component: function ConferenceRoom() {
    return <EditConferenceRoomPage id={Route.useParams().id} />
  },
})
