import { createFileRoute, useLocation } from '@tanstack/react-router'
import { tokenFromHash } from '@/features/auth/account-links'
import { InvitationPage } from '@/features/auth/invitation-page'

// The page an invitation mail links to (`/invitation#token=…`).
export const Route = createFileRoute('/invitation')({
  component: function Invitation() {
    return <InvitationPage token={tokenFromHash(useLocation({ select: (l) => l.hash }))} />
  },
})
