import { createFileRoute } from '@tanstack/react-router'
import { ComingSoon } from '@/components/coming-soon'

// Placeholder until this screen is built; the nav entry and links already point here.
export const Route = createFileRoute('/_app/live')({
  component: () => (
    <ComingSoon title="Live calls" description="Every call in progress in your organization." />
  ),
})
