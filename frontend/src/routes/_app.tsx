import { createFileRoute, redirect } from '@tanstack/react-router'
import { isApiError } from '@/api/client'
import { meQuery } from '@/api/me'
import { AppShell } from '@/components/layout/app-shell'
import { session } from '@/lib/session'

// Every signed-in screen: no token, or one the server no longer accepts, goes to the sign-in page
// and comes back here afterwards.
export const Route = createFileRoute('/_app')({
  beforeLoad: async ({ context, location }) => {
    const toLogin = () => redirect({ to: '/login', search: { next: location.href } })
    if (!session.token()) throw toLogin()
    try {
      return { me: await context.queryClient.ensureQueryData(meQuery) }
    } catch (e) {
      if (isApiError(e, 401)) throw toLogin()
      throw e
    }
  },
  component: AppShell,
})
