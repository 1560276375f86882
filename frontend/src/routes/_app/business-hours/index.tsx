import { createFileRoute } from '@tanstack/react-router'
import { ComingSoon } from '@/components/coming-soon'
import { allow } from '@/lib/guard'
import { canReadConfig } from '@/lib/roles'

// Placeholder until this screen is built; the nav entry and links already point here.
export const Route = createFileRoute('/_app/business-hours/')({
  beforeLoad: allow(canReadConfig),
  component: () => (
    <ComingSoon
      title="Business hours"
      description="Weekly opening hours, holidays and overrides that route calls by time."
    />
  ),
})
