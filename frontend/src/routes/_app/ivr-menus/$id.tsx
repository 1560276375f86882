import { createFileRoute } from '@tanstack/react-router'
import { ComingSoon } from '@/components/coming-soon'
import { allow } from '@/lib/guard'
import { canReadConfig } from '@/lib/roles'

// Placeholder until this screen is built; the nav entry and links already point here.
export const Route = createFileRoute('/_app/ivr-menus/$id')({
  beforeLoad: allow(canReadConfig),
  component: () => (
    <ComingSoon title="IVR menus" description="Menus that let callers choose where to go by pressing keys." />
  ),
})
