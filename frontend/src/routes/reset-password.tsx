import { createFileRoute, useLocation } from '@tanstack/react-router'
import { tokenFromHash } from '@/features/auth/account-links'
import { ResetPasswordPage } from '@/features/auth/password-reset-pages'

// The page a password-reset mail links to (`/reset-password#token=…`).
export const Route = createFileRoute('/reset-password')({
  component: function ResetPassword() {
    return <ResetPasswordPage token={tokenFromHash(useLocation({ select: (l) => l.hash }))} />
  },
})
