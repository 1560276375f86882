import { createFileRoute } from '@tanstack/react-router'
import { callLogSearch, callLogs } from '@/features/call-logs/api'
import { CallLogsPage } from '@/features/call-logs/call-logs-page'

export const Route = createFileRoute('/_app/call-logs/')({
  validateSearch: callLogSearch,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) =>
    context.queryClient.ensureQueryData(callLogs.list(context.me.organization.id, deps)),
  component: function CallLogs() {
    const navigate = Route.useNavigate()
    return <CallLogsPage search={Route.useSearch()} onSearchChange={(search) => navigate({ search })} />
  },
})
