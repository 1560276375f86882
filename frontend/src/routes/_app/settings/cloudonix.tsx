import { createFileRoute } from '@tanstack/react-router'
import { ComingSoon } from '@/components/coming-soon'
import { allow } from '@/lib/guard'
import { atLeast } from '@/lib/roles'

// Placeholder until this screen is built; the nav entry and links already point here.
export const Route = createFileRoute('/_app/settings/cloudonix')({
  beforeLoad: allow((role) => atLeast(role, 'pbx_admin')),
  component: () => (
    <ComingSoon title="Cloudonix" description="The Cloudonix domain, API key and webhook URLs." />
  ),
})
