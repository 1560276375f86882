import type { QueryClient } from '@tanstack/react-query'
import { onPlatformUnauthorized, onUnauthorized } from './api/client'
import { keys } from './api/keys'
import type { createAppRouter } from './router'

type AppRouter = ReturnType<typeof createAppRouter>

/** A token that stopped working (expired, revoked, password changed): sign in again, then return. */
export function signInAgainOn401(queryClient: QueryClient, router: AppRouter) {
  onUnauthorized(() => {
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== keys.platform[0] })
    const { href, pathname } = router.state.location
    if (pathname !== '/login') void router.navigate({ to: '/login', search: { next: href } })
  })
  onPlatformUnauthorized(() => {
    queryClient.removeQueries({ queryKey: keys.platform })
    const { href, pathname } = router.state.location
    if (pathname !== '/platform/login')
      void router.navigate({ to: '/platform/login', search: { next: href } })
  })
}
