import { createFileRoute } from '@tanstack/react-router'
import { ringGroups } from '@/api/resources'
import { EditRingGroupPage } from '@/features/ring-groups/ring-group-pages'
import { allow, orNotFound } from '@/lib/guard'
import { canReadConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/ring-groups/$id')({
  beforeLoad: allow(canReadConfig),
  loader: ({ context, params }) =>
    orNotFound(context.queryClient.ensureQueryData(ringGroups.detail(context.me.organization.id, params.id))),
  component: function RingGroup() {
    return <EditRingGroupPage id={Route.useParams().id} />
  },
})
