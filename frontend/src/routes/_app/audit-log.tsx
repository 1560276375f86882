import { createFileRoute } from '@tanstack/react-router'
import { ComingSoon } from '@/components/coming-soon'
import { allow } from '@/lib/guard'
import { atLeast } from '@/lib/roles'

// Placeholder until this screen is built; the nav entry and links already point here.
export const Route = createFileRoute('/_app/audit-log')({
  beforeLoad: allow((role) => atLeast(role, 'pbx_admin')),
  component: () => <ComingSoon title="Audit log" description="Who changed what, and when." />,
})
