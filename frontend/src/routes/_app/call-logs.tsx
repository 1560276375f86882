import { createFileRoute } from '@tanstack/react-router'
import { ComingSoon } from '@/components/coming-soon'

// Placeholder until this screen is built; the nav entry and links already point here.
export const Route = createFileRoute('/_app/call-logs')({
  component: () => <ComingSoon title="Call history" description="Past calls, where each one went and why." />,
})
