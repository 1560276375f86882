import { createFileRoute, redirect } from '@tanstack/react-router'
import { LoginPage } from '@/features/auth/login-page'
import { session } from '@/lib/session'

export const Route = createFileRoute('/login')({
  validateSearch: (raw: Record<string, unknown>): { next?: string } =>
    typeof raw.next === 'string' ? { next: raw.next } : {},
  beforeLoad: ({ search }) => {
    if (session.token()) throw redirect({ href: search.next?.startsWith('/') ? search.next : '/' })
  },
  component: function Login() {
    const { next } = Route.useSearch()
    return <LoginPage next={next} />
  },
})
