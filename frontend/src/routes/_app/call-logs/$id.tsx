import { createFileRoute } from '@tanstack/react-router'
import { callLogs } from '@/features/call-logs/api'
import { CallLogPage } from '@/features/call-logs/call-log-page'
import { orNotFound } from '@/lib/guard'

export const Route = createFileRoute('/_app/call-logs/$id')({
  loader: ({ context, params }) =>
    orNotFound(context.queryClient.ensureQueryData(callLogs.detail(context.me.organization.id, params.id))),
  component: function CallLog() {
    return <CallLogPage id={Route.useParams().id} />
  },
})
