import { screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { session } from '@/lib/session'
import { org, orgSettings, user } from '@/testing/fixtures'
import { emptyCollections, on, page, problem } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'
import { retryMessage, safeNext } from '@/lib/sign-in'
import { organizationsIn } from '../login'

const owner = user('owner', { email: 'ann@acme.test', name: 'Ann' })
const answer = {
  token: 'tok-1',
  token_type: 'Bearer',
  expires_at: '2099-01-01T00:00:00Z',
  user: owner,
  organization: org,
}

async function signIn(u: ReturnType<typeof renderApp>['user']) {
  await u.type(await screen.findByLabelText('Email'), 'ann@acme.test')
  await u.type(screen.getByLabelText('Password'), 'correct horse battery')
  await u.click(screen.getByRole('button', { name: 'Sign in' }))
}

describe('sign-in', () => {
  it('sends a signed-out visitor to the sign-in page and back where they were going', async () => {
    const sent: unknown[] = []
    const { user: u, router } = renderApp({
      url: '/settings/organization',
      signedIn: false,
      me: owner,
      handlers: [
        on('post', '/api/v1/auth/login', ({ body }) => {
          sent.push(body)
          return answer
        }),
        on('get', '/api/v1/settings/organization', () => orgSettings),
        on('get', '/api/v1/phone-numbers', () => page([])),
      ],
    })
    await heading('Sign in to OpBX')
    expect(router.state.location.search).toEqual({ next: '/settings/organization' })
    await signIn(u)
    await heading('Organization')
    expect(sent).toEqual([{ email: 'ann@acme.test', password: 'correct horse battery', organization: null }])
    expect(session.token()).toBe('tok-1')
    expect(localStorage.length).toBe(0)
  })

  it('says when the email or password is wrong', async () => {
    const { user: u } = renderApp({
      url: '/login',
      signedIn: false,
      handlers: [on('post', '/api/v1/auth/login', () => problem(401, { title: 'Unauthorized' }))],
    })
    await signIn(u)
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong email or password.')
    expect(session.token()).toBeNull()
  })

  it('asks which organization when the email belongs to several, then signs in to that one', async () => {
    const sent: { organization?: string | null }[] = []
    const { user: u } = renderApp({
      url: '/login',
      signedIn: false,
      me: owner,
      handlers: [
        on('post', '/api/v1/auth/login', ({ body }) => {
          sent.push(body)
          if (!body.organization) {
            return problem(409, {
              title: 'Conflict',
              detail:
                'These credentials belong to accounts in several organizations; log in again with "organization" set to one of: acme, globex.',
            })
          }
          return answer
        }),
        ...emptyCollections(),
      ],
    })
    await signIn(u)
    const choice = await screen.findByLabelText('Organization')
    expect([...(choice as HTMLSelectElement).options].map((o) => o.value)).toEqual(['acme', 'globex'])
    await u.selectOptions(choice, 'globex')
    await u.click(screen.getByRole('button', { name: 'Sign in' }))
    await heading('Hello, Ann')
    expect(sent.map((b) => b.organization)).toEqual([null, 'globex'])
  })

  it('tells when to try again after too many attempts', async () => {
    const { user: u } = renderApp({
      url: '/login',
      signedIn: false,
      handlers: [
        on('post', '/api/v1/auth/login', () =>
          problem(429, { title: 'Too Many Requests' }, { 'Retry-After': '300' }),
        ),
      ],
    })
    await signIn(u)
    expect(await screen.findByRole('alert')).toHaveTextContent(
      /Too many sign-in attempts\. Try again in 5 minutes/,
    )
  })

  it('sends a user whose token stopped working back to sign in, remembering the page', async () => {
    const { router } = renderApp({
      url: '/extensions?q=ali',
      handlers: [on('get', '/api/v1/extensions', () => problem(401, { title: 'Unauthorized' }))],
    })
    await heading('Sign in to OpBX')
    expect(router.state.location.search).toEqual({ next: '/extensions?q=ali' })
    expect(session.token()).toBeNull()
  })
})

describe('sign-in helpers', () => {
  it('read the organizations of a 409, from its list or its detail', () => {
    expect(organizationsIn({ organizations: [{ slug: 'acme', name: 'Acme Ltd' }] })).toEqual([
      { slug: 'acme', name: 'Acme Ltd' },
    ])
    expect(organizationsIn({ detail: '… set to one of: acme, globex-uk.' })).toEqual([
      { slug: 'acme', name: 'acme' },
      { slug: 'globex-uk', name: 'globex-uk' },
    ])
    expect(organizationsIn({ detail: 'Conflict' })).toEqual([])
    expect(organizationsIn({ detail: null })).toEqual([])
  })

  it('say when to retry in seconds or minutes', () => {
    const now = new Date('2026-12-04T10:00:00Z')
    expect(retryMessage(new Date('2026-12-04T10:00:45Z'), now)).toMatch(/in 45 seconds/)
    expect(retryMessage(new Date('2026-12-04T10:09:30Z'), now)).toMatch(/in 10 minutes/)
  })

  it('return only to pages of this app', () => {
    expect(safeNext('/extensions?q=a')).toBe('/extensions?q=a')
    expect(safeNext('https://evil.example')).toBe('/')
    expect(safeNext('//evil.example')).toBe('/')
    expect(safeNext(undefined)).toBe('/')
  })
})
