import type { QueryClient } from '@tanstack/react-query'
import { onUnauthorized } from './api/client'
import type { createAppRouter } from './router'

type AppRouter = ReturnType<typeof createAppRouter>

/** A token that stopped working (expired, revoked, password changed): sign in again, then return. */
export function signInAgainOn401(queryClient: QueryClient, router: AppRouter) {
  onUnauthorized(() => {
    queryClient.clear()
    const { href, pathname } = router.state.location
    if (pathname !== '/login') void router.navigate({ to: '/login', search: { next: href } })
  })
}
