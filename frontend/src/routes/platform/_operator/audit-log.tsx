import { createFileRoute } from '@tanstack/react-router'
import { auditLogQuery } from '@/features/platform/api'
import { PlatformAuditLogPage } from '@/features/platform/audit-log-page'

export const Route = createFileRoute('/platform/_operator/audit-log')({
  validateSearch: (raw: Record<string, unknown>): { page?: number } => {
    const page = Number(raw.page)
    return Number.isInteger(page) && page > 1 && page < 100_000 ? { page } : {}
  },
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => context.queryClient.ensureQueryData(auditLogQuery(deps.page ?? 1)),
  component: function PlatformAuditLog() {
    const navigate = Route.useNavigate()
    return (
      <PlatformAuditLogPage
        page={Route.useSearch().page ?? 1}
        onPage={(page) => navigate({ search: page && page > 1 ? { page } : {} })}
      />
    )
  },
})
