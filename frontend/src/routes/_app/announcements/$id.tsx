import { createFileRoute } from '@tanstack/react-router'
import { announcements } from '@/api/resources'
import { EditAnnouncementPage } from '@/features/announcements/announcement-pages'
import { allow, orNotFound } from '@/lib/guard'
import { canReadConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/announcements/$id')({
  beforeLoad: allow(canReadConfig),
  loader: ({ context, params }) =>
    orNotFound(
      context.queryClient.ensureQueryData(announcements.detail(context.me.organization.id, params.id)),
    ),
  component: function Announcement() {
    return <EditAnnouncementPage id={Route.useParams().id} />
  },
})
