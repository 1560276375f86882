import { createFileRoute, redirect } from '@tanstack/react-router'
import { OperatorLoginPage } from '@/features/platform/operator-login-page'
import { platformSession } from '@/lib/session'
import { safeNext } from '@/lib/sign-in'

export const Route = createFileRoute('/platform/login')({
  validateSearch: (raw: Record<string, unknown>): { next?: string } =>
    typeof raw.next === 'string' ? { next: raw.next } : {},
  beforeLoad: ({ search }) => {
    if (platformSession.token())
      throw redirect({ href: safeNext(search.next, '/platform', '/platform/login') })
  },
  component: function PlatformLogin() {
    return <OperatorLoginPage next={Route.useSearch().next} />
  },
})
