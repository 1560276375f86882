import { createFileRoute } from '@tanstack/react-router'
import { outboundRoutes } from '@/api/resources'
import { EditOutboundRoutePage } from '@/features/outbound-routes/outbound-route-pages'
import { allow, orNotFound } from '@/lib/guard'
import { canReadConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/outbound-routes/$id')({
  beforeLoad: allow(canReadConfig),
  loader: ({ context, params }) =>
    orNotFound(
      context.queryClient.ensureQueryData(outboundRoutes.detail(context.me.organization.id, params.id)),
    ),
  component: function OutboundRoute() {
    return <EditOutboundRoutePage id={Route.useParams().id} />
  },
})
