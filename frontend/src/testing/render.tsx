import { QueryClient } from '@tanstack/react-query'
import { createMemoryHistory } from '@tanstack/react-router'
import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { RequestHandler } from 'msw'
import type { Schemas } from '@/api/client'
import { App } from '@/app'
import type { Role } from '@/lib/roles'
import { session } from '@/lib/session'
import { createAppRouter } from '@/router'
import { signInAgainOn401 } from '@/sign-in-again'
import { org, user } from './fixtures'
import { on } from './http'
import { server } from './server'

/**
 * The whole app at `url`, signed in as a user of `role` (or `me`), over MSW handlers: the real
 * router, guards, shell and screens, as a user would meet them.
 */
export function renderApp({
  url = '/',
  role = 'owner',
  me,
  handlers = [],
  signedIn = true,
}: {
  url?: string
  role?: Role
  me?: Schemas['UserView']
  handlers?: RequestHandler[]
  signedIn?: boolean
} = {}) {
  const self = me ?? user(role)
  server.use(
    on('get', '/api/v1/auth/me', () => ({ user: self, organization: org })),
    ...handlers,
  )
  if (signedIn) session.set('test-token', new Date(Date.now() + 3_600_000).toISOString())
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  })
  const router = createAppRouter(queryClient, createMemoryHistory({ initialEntries: [url] }))
  signInAgainOn401(queryClient, router)
  render(<App queryClient={queryClient} router={router} />)
  return { user: userEvent.setup(), router, queryClient, me: self }
}

/** Waits for the screen's main heading. */
export function heading(name: string | RegExp) {
  return screen.findByRole('heading', { level: 1, name })
}
