import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { user } from '@/testing/fixtures'
import { on, page, problem } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

function invitation(
  fields: Partial<Schemas['PendingInvitationView']> = {},
): Schemas['PendingInvitationView'] {
  return {
    id: '018f0000-0000-7000-8000-00000000c0de',
    email: 'pat@acme.test',
    role: 'pbx_user',
    invited_by: 'owner@acme.test',
    created_at: '2026-12-05T09:00:00Z',
    expires_at: '2026-12-12T09:00:00Z',
    ...fields,
  }
}

const roleOptions = () =>
  [...(screen.getByLabelText('Role') as HTMLSelectElement).options]
    .filter((o) => !o.disabled)
    .map((o) => o.text)

describe('users and roles', () => {
  it('a PBX admin may grant only the roles below theirs', async () => {
    renderApp({ role: 'pbx_admin', url: '/users/new' })
    await heading('New user')
    expect(roleOptions()).toEqual(['PBX user', 'Reporter'])
  })

  it('an owner may grant every role', async () => {
    renderApp({ role: 'owner', url: '/users/new' })
    await heading('New user')
    expect(roleOptions()).toEqual(['Owner', 'PBX admin', 'PBX user', 'Reporter'])
  })

  it('a PBX admin only reads an owner', async () => {
    const owner = user('owner', { name: 'Olga' })
    renderApp({
      role: 'pbx_admin',
      url: `/users/${owner.id}`,
      handlers: [on('get', '/api/v1/users/{id}', () => owner)],
    })
    await heading('Olga')
    expect(screen.getByText('Only an owner can change owners and PBX admins.')).toBeInTheDocument()
    expect(screen.getByLabelText('Name')).toBeDisabled()
    expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument()
    expect(screen.queryByRole('button', { name: /Save/ })).not.toBeInTheDocument()
  })

  it('creates a user, with the server judging the password', async () => {
    const sent: Schemas['NewUser'][] = []
    const { user: u, router } = renderApp({
      role: 'owner',
      url: '/users/new',
      handlers: [
        on('post', '/api/v1/users', ({ body }) => {
          sent.push(body)
          if (sent.length === 1) {
            return problem(422, {
              title: 'Invalid input',
              errors: [{ field: 'password', message: 'is too common' }],
            })
          }
          return user(body.role, { name: body.name, email: body.email })
        }),
        on('get', '/api/v1/users', () => page([])),
        on('get', '/api/v1/users/invitations', () => page([])),
      ],
    })
    await heading('New user')
    await u.type(screen.getByLabelText('Name'), 'Rita')
    await u.type(screen.getByLabelText('Email'), 'rita@acme.test')
    await u.selectOptions(screen.getByLabelText('Role'), 'Reporter')
    await u.type(screen.getByLabelText('Password'), 'short')
    await u.click(screen.getByRole('button', { name: 'Create user' }))
    expect(await screen.findByText('must be at least 10 characters')).toBeInTheDocument()
    expect(sent).toHaveLength(0)

    await u.clear(screen.getByLabelText('Password'))
    await u.type(screen.getByLabelText('Password'), 'password1234')
    await u.click(screen.getByRole('button', { name: 'Create user' }))
    expect(await screen.findByText('is too common')).toBeInTheDocument()

    await u.clear(screen.getByLabelText('Password'))
    await u.type(screen.getByLabelText('Password'), 'Amber3Falcon7River')
    await u.click(screen.getByRole('button', { name: 'Create user' }))
    await waitFor(() => expect(router.state.location.pathname).toBe('/users'))
    expect(sent.at(-1)).toEqual({
      name: 'Rita',
      email: 'rita@acme.test',
      role: 'reporter',
      status: 'active',
      password: 'Amber3Falcon7River',
    })
  })

  it('invites by email with the roles the caller may grant; a taken email lands on its field', async () => {
    const sent: Schemas['NewInvitation'][] = []
    const pending = invitation({ email: 'rita@acme.test', role: 'reporter' })
    const { user: u } = renderApp({
      role: 'pbx_admin',
      url: '/users',
      handlers: [
        on('get', '/api/v1/users', () => page([])),
        on('post', '/api/v1/users/invitations', ({ body }) => {
          sent.push(body)
          if (sent.length === 1)
            return problem(409, {
              title: 'Conflict',
              errors: [{ field: 'email', message: 'already has an account in this organization' }],
            })
          return {
            id: pending.id,
            email: body.email,
            role: body.role,
            expires_at: pending.expires_at,
            sent: true,
          }
        }),
        on('get', '/api/v1/users/invitations', () => page(sent.length > 1 ? [pending] : [])),
      ],
    })
    await heading('Users')
    await u.click(screen.getByRole('button', { name: 'Invite user' }))
    const dialog = await screen.findByRole('dialog')
    expect(roleOptions()).toEqual(['PBX user', 'Reporter'])
    await u.type(screen.getByLabelText('Email'), 'rex@acme.test')
    await u.selectOptions(screen.getByLabelText('Role'), 'reporter')
    await u.click(screen.getByRole('button', { name: 'Send invitation' }))
    expect(await screen.findByText('already has an account in this organization')).toBeInTheDocument()
    await u.clear(screen.getByLabelText('Email'))
    await u.type(screen.getByLabelText('Email'), 'rita@acme.test')
    await u.click(screen.getByRole('button', { name: 'Send invitation' }))
    expect(await screen.findByText('Invitation sent to rita@acme.test')).toBeInTheDocument()
    await waitFor(() => expect(dialog).not.toBeInTheDocument())
    // The new invitation shows as pending without a reload.
    expect(await screen.findByRole('heading', { name: 'Pending invitations' })).toBeInTheDocument()
    expect(screen.getByRole('cell', { name: 'rita@acme.test' })).toBeInTheDocument()
    expect(sent).toEqual([
      { email: 'rex@acme.test', role: 'reporter' },
      { email: 'rita@acme.test', role: 'reporter' },
    ])
  })

  it('lists pending invitations; revoking asks first, then drops it', async () => {
    let pending = [invitation()]
    const revoked: string[] = []
    const resent: string[] = []
    const { user: u } = renderApp({
      role: 'owner',
      url: '/users',
      handlers: [
        on('get', '/api/v1/users', () => page([])),
        on('get', '/api/v1/users/invitations', () => page(pending)),
        on('post', '/api/v1/users/invitations/{id}/resend', ({ params }) => {
          resent.push(params.id!)
          return {
            id: 'new',
            email: 'pat@acme.test',
            role: 'pbx_user' as const,
            expires_at: '2026-12-13T09:00:00Z',
            sent: true,
          }
        }),
        on('delete', '/api/v1/users/invitations/{id}', ({ params }) => {
          revoked.push(params.id!)
          pending = []
          return new Response(null, { status: 204 })
        }),
      ],
    })
    await heading('Users')
    expect(await screen.findByRole('cell', { name: 'pat@acme.test' })).toBeInTheDocument()
    expect(screen.getByRole('cell', { name: 'owner@acme.test' })).toBeInTheDocument()
    expect(screen.getByRole('cell', { name: 'PBX user' })).toBeInTheDocument()

    await u.click(screen.getByRole('button', { name: 'Resend' }))
    expect(await screen.findByText('Invitation sent to pat@acme.test')).toBeInTheDocument()
    expect(resent).toEqual([invitation().id])

    await u.click(screen.getByRole('button', { name: 'Revoke' }))
    const confirm = await screen.findByRole('alertdialog')
    expect(confirm).toHaveTextContent('The link in their mail stops working at once.')
    expect(revoked).toEqual([])
    await u.click(within(confirm).getByRole('button', { name: 'Revoke' }))
    await waitFor(() =>
      expect(screen.queryByRole('heading', { name: 'Pending invitations' })).not.toBeInTheDocument(),
    )
    expect(revoked).toEqual([invitation().id])
  })
})
