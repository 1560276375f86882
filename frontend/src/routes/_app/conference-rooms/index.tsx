import { createFileRoute } from '@tanstack/react-router'
import { ComingSoon } from '@/components/coming-soon'
import { allow } from '@/lib/guard'
import { canReadConfig } from '@/lib/roles'

// Placeholder until this screen is built; the nav entry and links already point here.
export const Route = createFileRoute('/_app/conference-rooms/')({
  beforeLoad: allow(canReadConfig),
  component: () => (
    <ComingSoon title="Conference rooms" description="Rooms callers join by number, optionally with a PIN." />
  ),
})
