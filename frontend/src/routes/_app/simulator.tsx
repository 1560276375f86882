import { createFileRoute } from '@tanstack/react-router'
import { ComingSoon } from '@/components/coming-soon'
import { allow } from '@/lib/guard'
import { canReadConfig } from '@/lib/roles'

// Placeholder until this screen is built; the nav entry and links already point here.
export const Route = createFileRoute('/_app/simulator')({
  beforeLoad: allow(canReadConfig),
  component: () => (
    <ComingSoon
      title="Routing simulator"
      description="What happens when someone calls a number at a given time."
    />
  ),
})
