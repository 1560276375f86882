import { createFileRoute } from '@tanstack/react-router'
import { recordings } from '@/api/resources'
import { recordingSorts } from '@/features/recordings/api'
import { RecordingsPage } from '@/features/recordings/recordings-page'
import { allow } from '@/lib/guard'
import { listQuery, listSearch } from '@/lib/list-search'
import { canReadConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/recordings/')({
  validateSearch: listSearch(recordingSorts, { status: false }),
  beforeLoad: allow(canReadConfig),
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) =>
    context.queryClient.ensureQueryData(recordings.list(context.me.organization.id, listQuery(deps))),
  component: function Recordings() {
    const navigate = Route.useNavigate()
    return <RecordingsPage search={Route.useSearch()} onSearchChange={(search) => navigate({ search })} />
  },
})
