import { createFileRoute, redirect } from '@tanstack/react-router'
import { isApiError } from '@/api/client'
import { operatorQuery } from '@/api/operator'
import { PlatformShell } from '@/features/platform/platform-shell'
import { platformSession } from '@/lib/session'

// Every platform screen: only with an operator's token (an organization user's never opens them),
// else to the operators' sign-in page and back here afterwards.
export const Route = createFileRoute('/platform/_operator')({
  beforeLoad: async ({ context, location }) => {
    const toLogin = () => redirect({ to: '/platform/login', search: { next: location.href } })
    if (!platformSession.token()) throw toLogin()
    try {
      return { operator: await context.queryClient.ensureQueryData(operatorQuery) }
    } catch (e) {
      if (isApiError(e, 401)) throw toLogin()
      throw e
    }
  },
  component: PlatformShell,
})
