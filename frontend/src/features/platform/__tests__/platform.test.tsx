import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { platformSession, session } from '@/lib/session'
import { id, org } from '@/testing/fixtures'
import { on, page, problem } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

const operator: Schemas['OperatorView'] = {
  id: id(),
  email: 'ops@example.com',
  name: 'Ops',
  status: 'active',
  created_at: '2026-12-01T09:00:00Z',
}

function tenant(
  fields: Partial<Schemas['PlatformOrganizationView']> = {},
): Schemas['PlatformOrganizationView'] {
  return {
    id: id(),
    name: 'Globex',
    slug: 'globex',
    timezone: 'Europe/Berlin',
    status: 'active',
    users: 3,
    extensions: 7,
    phone_numbers: 2,
    last_call_at: null,
    created_at: '2026-12-01T09:00:00Z',
    deleted_at: null,
    purge_after: null,
    ...fields,
  }
}

const signedInOperator = () =>
  platformSession.set('operator-token', new Date(Date.now() + 3_600_000).toISOString())

describe('platform operators', () => {
  it('sign in apart from any organization: the operator token never reaches an organization route', async () => {
    const authorizations: (string | null)[] = []
    const globex = tenant()
    const { user: u, router } = renderApp({
      url: '/platform?q=glo',
      signedIn: false,
      handlers: [
        on('post', '/api/v1/platform/auth/login', ({ body }) => {
          expect(body).toEqual({ email: 'ops@example.com', password: 'operator password' })
          return { token: 'op-1', token_type: 'Bearer', expires_at: '2099-01-01T00:00:00Z', operator }
        }),
        on('get', '/api/v1/platform/organizations', ({ request, url }) => {
          authorizations.push(request.headers.get('Authorization'))
          expect(url.searchParams.get('q')).toBe('glo')
          return page([globex])
        }),
      ],
    })
    await heading('OpBX platform')
    expect(router.state.location.search).toEqual({ next: '/platform?q=glo' })
    await u.type(screen.getByLabelText('Email'), 'ops@example.com')
    await u.type(screen.getByLabelText('Password'), 'operator password')
    await u.click(screen.getByRole('button', { name: 'Sign in' }))
    await heading('Organizations')
    const row = (await screen.findByRole('link', { name: 'Globex' })).closest('tr')!
    expect(within(row).getByText('Active')).toBeInTheDocument()
    expect(within(row).getByText('7')).toBeInTheDocument()
    expect(new Set(authorizations)).toEqual(new Set(['Bearer op-1']))
    expect(platformSession.token()).toBe('op-1')
    expect(session.token()).toBeNull()

    // The organization screens still ask for an organization user's sign-in.
    await router.navigate({ to: '/extensions' })
    await heading('Sign in to OpBX')
  })

  it('an organization user signed in is not an operator', async () => {
    const { router } = renderApp({ url: '/platform', role: 'owner' })
    await heading('OpBX platform')
    expect(router.state.location.pathname).toBe('/platform/login')
    expect(session.token()).toBe('test-token')
  })

  it('creates an organization; a taken slug lands on its field, then the owner is invited', async () => {
    signedInOperator()
    const sent: Schemas['NewOrganization'][] = []
    const created = tenant({ name: 'Initech', slug: 'initech', users: 0 })
    const { user: u } = renderApp({
      url: '/platform/organizations/new',
      signedIn: false,
      handlers: [
        on('get', '/api/v1/platform/auth/me', () => operator),
        on('post', '/api/v1/platform/organizations', ({ body }) => {
          sent.push(body)
          if (sent.length === 1)
            return problem(409, {
              title: 'Conflict',
              errors: [{ field: 'slug', message: 'is already taken by another organization' }],
            })
          return {
            organization: created,
            invitation: {
              id: '018f0000-0000-7000-8000-0000000000aa',
              email: body.owner_email,
              role: 'owner' as const,
              expires_at: '2026-12-12T09:00:00Z',
              sent: true,
            },
          }
        }),
        on('get', '/api/v1/platform/organizations/{id}', () => created),
      ],
    })
    await heading('New organization')
    await u.click(screen.getByRole('button', { name: 'Create and invite' }))
    expect(await screen.findByText('must be an email address')).toBeInTheDocument()
    expect(screen.getByText('is required')).toBeInTheDocument()
    expect(sent).toEqual([])

    await u.type(screen.getByLabelText('Name'), 'Initech')
    await u.type(screen.getByLabelText('Slug'), 'Initech!')
    await u.type(screen.getByLabelText("First owner's email"), 'bill@initech.test')
    await u.click(screen.getByRole('button', { name: 'Create and invite' }))
    expect(await screen.findByText(/lower-case letters and digits/)).toBeInTheDocument()
    await u.clear(screen.getByLabelText('Slug'))
    await u.type(screen.getByLabelText('Slug'), 'initech')
    await u.click(screen.getByRole('button', { name: 'Create and invite' }))
    expect(await screen.findByText('is already taken by another organization')).toBeInTheDocument()
    expect(screen.getByLabelText('Slug')).toHaveAttribute('aria-invalid', 'true')

    await u.click(screen.getByRole('button', { name: 'Create and invite' }))
    await heading(/Initech/)
    expect(await screen.findByText('Invitation sent to bill@initech.test')).toBeInTheDocument()
    expect(sent[1]).toMatchObject({ name: 'Initech', slug: 'initech', owner_email: 'bill@initech.test' })
  })

  it('suspends only after confirming, and deleting states the retention', async () => {
    signedInOperator()
    let current = tenant()
    const calls: string[] = []
    const { user: u } = renderApp({
      url: `/platform/organizations/${current.id}`,
      signedIn: false,
      handlers: [
        on('get', '/api/v1/platform/auth/me', () => operator),
        on('get', '/api/v1/platform/organizations/{id}', () => current),
        on('post', '/api/v1/platform/organizations/{id}/suspend', () => {
          calls.push('suspend')
          current = { ...current, status: 'suspended' }
          return current
        }),
      ],
    })
    await heading(/Globex/)
    await u.click(screen.getByRole('button', { name: 'Delete' }))
    expect(screen.getByRole('alertdialog')).toHaveTextContent(/kept for the platform’s retention period/)
    await u.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Cancel' }))

    await u.click(screen.getByRole('button', { name: 'Suspend' }))
    const dialog = screen.getByRole('alertdialog')
    expect(dialog).toHaveTextContent('Suspend Globex?')
    expect(calls).toEqual([])
    await u.click(within(dialog).getByRole('button', { name: 'Suspend' }))
    await waitFor(() => expect(calls).toEqual(['suspend']))
    expect(await screen.findByRole('button', { name: 'Reactivate' })).toBeInTheDocument()
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Suspended')
  })
})

describe('a suspended organization', () => {
  it('tells its users so instead of "not for your role"', async () => {
    renderApp({
      url: '/extensions',
      handlers: [
        on('get', '/api/v1/extensions', () =>
          problem(403, {
            type: 'urn:opbx:problem:organization-suspended',
            title: 'Organization suspended',
            detail: 'Your organization is suspended; ask your service provider.',
          }),
        ),
      ],
    })
    await heading('Organization suspended')
    expect(screen.getByText('Your organization is suspended; ask your service provider.')).toBeInTheDocument()
    expect(org.status).toBe('active')
  })
})
