import { createFileRoute } from '@tanstack/react-router'
import { ComingSoon } from '@/components/coming-soon'
import { allow } from '@/lib/guard'
import { canReadConfig } from '@/lib/roles'

// Placeholder until this screen is built; the nav entry and links already point here.
export const Route = createFileRoute('/_app/voicemail')({
  beforeLoad: allow(canReadConfig),
  component: () => <ComingSoon title="Voicemail" description="Messages left in the mailboxes." />,
})
