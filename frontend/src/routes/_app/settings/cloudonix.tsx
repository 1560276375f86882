import { createFileRoute } from '@tanstack/react-router'
import { cloudonixQuery } from '@/features/cloudonix-settings/api'
import { CloudonixPage } from '@/features/cloudonix-settings/cloudonix-page'
import { allow } from '@/lib/guard'
import { atLeast } from '@/lib/roles'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** `?job=<id>`: the provisioning job being followed, so its report survives a reload. */
function validateSearch(raw: Record<string, unknown>): { job?: string } {
  return typeof raw.job === 'string' && UUID.test(raw.job) ? { job: raw.job } : {}
}

export const Route = createFileRoute('/_app/settings/cloudonix')({
  beforeLoad: allow((role) => atLeast(role, 'pbx_admin')),
  validateSearch,
  loader: ({ context }) => context.queryClient.ensureQueryData(cloudonixQuery(context.me.organization.id)),
  component: function Cloudonix() {
    const navigate = Route.useNavigate()
    return <CloudonixPage jobId={Route.useSearch().job} onJob={(job) => navigate({ search: { job } })} />
  },
})
