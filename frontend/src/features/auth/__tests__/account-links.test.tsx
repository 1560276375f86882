import { screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { session } from '@/lib/session'
import { org, user } from '@/testing/fixtures'
import { emptyCollections, on, problem } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'
import { tokenFromHash } from '../account-links'

const GONE = 'This link is not valid: it was used already or has expired.'
const newcomer = user('owner', { email: 'gina@globex.test', name: 'Gina' })

async function choosePassword(u: ReturnType<typeof renderApp>['user'], password: string, again = password) {
  await u.type(screen.getByLabelText('Password'), password)
  await u.type(screen.getByLabelText('Password again'), again)
}

describe('the invitation page', () => {
  it('creates the account with the mailed token, then signs the newcomer in', async () => {
    const accepted: Schemas['InvitationAcceptance'][] = []
    const logins: Schemas['LoginRequest'][] = []
    const { user: u } = renderApp({
      url: '/invitation#token=tok-abc',
      signedIn: false,
      me: newcomer,
      handlers: [
        on('post', '/api/v1/auth/invitation', ({ body }) => {
          accepted.push(body)
          if (accepted.length === 1)
            return problem(422, {
              title: 'Invalid',
              errors: [{ field: 'password', message: 'is too common' }],
            })
          return { user: newcomer, organization: org }
        }),
        on('post', '/api/v1/auth/login', ({ body }) => {
          logins.push(body)
          return {
            token: 'tok-1',
            token_type: 'Bearer',
            expires_at: '2099-01-01T00:00:00Z',
            user: newcomer,
            organization: org,
          }
        }),
        ...emptyCollections(),
      ],
    })
    await heading('Accept your invitation')
    await u.type(screen.getByLabelText('Your name'), 'Gina')
    await choosePassword(u, 'short', 'other')
    await u.click(screen.getByRole('button', { name: 'Create my account' }))
    expect(await screen.findByText('must be at least 10 characters')).toBeInTheDocument()
    expect(screen.getByText('does not match the password')).toBeInTheDocument()
    expect(accepted).toEqual([])

    await u.clear(screen.getByLabelText('Password'))
    await u.clear(screen.getByLabelText('Password again'))
    await choosePassword(u, 'password123')
    await u.click(screen.getByRole('button', { name: 'Create my account' }))
    expect(await screen.findByText('is too common')).toBeInTheDocument()

    await u.clear(screen.getByLabelText('Password'))
    await u.clear(screen.getByLabelText('Password again'))
    await choosePassword(u, 'Teal-Lanterns-2026!')
    await u.click(screen.getByRole('button', { name: 'Create my account' }))
    await heading('Hello, Gina')
    expect(accepted[1]).toEqual({ token: 'tok-abc', name: 'Gina', password: 'Teal-Lanterns-2026!' })
    expect(logins).toEqual([
      { email: 'gina@globex.test', password: 'Teal-Lanterns-2026!', organization: 'acme' },
    ])
    expect(session.token()).toBe('tok-1')
  })

  it('says clearly when the link was used or has expired', async () => {
    const { user: u } = renderApp({
      url: '/invitation#token=used',
      signedIn: false,
      handlers: [
        on('post', '/api/v1/auth/invitation', () => problem(404, { title: 'Not found', detail: GONE })),
      ],
    })
    await heading('Accept your invitation')
    await u.type(screen.getByLabelText('Your name'), 'Gina')
    await choosePassword(u, 'Teal-Lanterns-2026!')
    await u.click(screen.getByRole('button', { name: 'Create my account' }))
    expect(await screen.findByRole('alert')).toHaveTextContent(GONE)
    expect(screen.getByRole('link', { name: 'Go to sign-in' })).toBeInTheDocument()
    expect(screen.queryByLabelText('Your name')).not.toBeInTheDocument()
  })

  it('says when the link lost its token', async () => {
    renderApp({ url: '/invitation', signedIn: false })
    await heading('Accept your invitation')
    expect(screen.getByRole('alert')).toHaveTextContent('This link is incomplete')
  })
})

describe('forgot and reset password', () => {
  it('answers the same whatever the email, from a link on the sign-in page', async () => {
    const asked: string[] = []
    const { user: u } = renderApp({
      url: '/login',
      signedIn: false,
      handlers: [
        on('post', '/api/v1/auth/password-reset', ({ body }) => {
          asked.push(body.email)
          return { detail: 'If an account has this email, a link to reset its password is on its way.' }
        }),
      ],
    })
    await heading('Sign in to OpBX')
    await u.click(screen.getByRole('link', { name: 'Forgot your password?' }))
    await heading('Reset your password')
    await u.type(screen.getByLabelText('Email'), 'nobody@example.com')
    await u.click(screen.getByRole('button', { name: 'Send me a link' }))
    expect(await screen.findByRole('status')).toHaveTextContent('If an account has this email')
    expect(asked).toEqual(['nobody@example.com'])
  })

  it('sets the new password with the token, and explains a dead link', async () => {
    const sent: Schemas['ResetConfirmation'][] = []
    const { user: u } = renderApp({
      url: '/reset-password#token=reset-1',
      signedIn: false,
      handlers: [
        on('post', '/api/v1/auth/password-reset/confirm', ({ body }) => {
          sent.push(body)
          return sent.length === 1 ? null : problem(404, { title: 'Not found', detail: GONE })
        }),
      ],
    })
    await heading('Choose a new password')
    await choosePassword(u, 'Amber-Harbour-2027?')
    await u.click(screen.getByRole('button', { name: 'Set my new password' }))
    expect(await screen.findByRole('status')).toHaveTextContent('Your password is changed')
    expect(sent).toEqual([{ token: 'reset-1', password: 'Amber-Harbour-2027?' }])
  })

  it('offers a new link when the reset link is dead', async () => {
    const { user: u } = renderApp({
      url: '/reset-password#token=old',
      signedIn: false,
      handlers: [
        on('post', '/api/v1/auth/password-reset/confirm', () =>
          problem(404, { title: 'Not found', detail: GONE }),
        ),
      ],
    })
    await heading('Choose a new password')
    await choosePassword(u, 'Amber-Harbour-2027?')
    await u.click(screen.getByRole('button', { name: 'Set my new password' }))
    expect(await screen.findByRole('alert')).toHaveTextContent(GONE)
    await waitFor(() => expect(screen.getByRole('link', { name: 'Send me a new link' })).toBeInTheDocument())
  })

  it('reads the token from the fragment only', () => {
    expect(tokenFromHash('#token=abc')).toBe('abc')
    expect(tokenFromHash('token=abc')).toBe('abc')
    expect(tokenFromHash('#token=')).toBeNull()
    expect(tokenFromHash('')).toBeNull()
  })
})
