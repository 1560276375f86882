import { createFileRoute } from '@tanstack/react-router'
import { auditLog, auditSearch } from '@/features/audit-log/api'
import { AuditLogPage } from '@/features/audit-log/audit-log-page'
import { allow } from '@/lib/guard'
import { atLeast } from '@/lib/roles'

export const Route = createFileRoute('/_app/audit-log')({
  beforeLoad: allow((role) => atLeast(role, 'pbx_admin')),
  validateSearch: auditSearch,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) =>
    context.queryClient.ensureQueryData(
      auditLog(context.me.organization.id, deps, context.me.organization.timezone),
    ),
  component: function AuditLog() {
    const navigate = Route.useNavigate()
    return <AuditLogPage search={Route.useSearch()} onSearchChange={(search) => navigate({ search })} />
  },
})
