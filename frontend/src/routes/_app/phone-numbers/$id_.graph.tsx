import { createFileRoute } from '@tanstack/react-router'
import { phoneNumbers } from '@/api/resources'
import { CallFlowPage } from '@/features/call-flow/call-flow-page'
import { allow, orNotFound } from '@/lib/guard'
import { canReadConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/phone-numbers/$id_/graph')({
  beforeLoad: allow(canReadConfig),
  loader: ({ context, params }) =>
    orNotFound(
      context.queryClient.ensureQueryData(phoneNumbers.detail(context.me.organization.id, params.id)),
    ),
  component: function PhoneNumberGraph() {
    return <CallFlowPage id={Route.useParams().id} />
  },
})
