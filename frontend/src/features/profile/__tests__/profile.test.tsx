import { screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { user } from '@/testing/fixtures'
import { on, problem } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

describe('the profile', () => {
  it('changes the password only with the current one, and says which field is wrong', async () => {
    const me = user('reporter', { name: 'Rex' })
    const sent: Schemas['ProfileUpdate'][] = []
    const { user: u } = renderApp({
      me,
      url: '/profile',
      handlers: [
        on('patch', '/api/v1/profile', ({ body }) => {
          sent.push(body)
          return problem(422, {
            title: 'Invalid input',
            errors: [{ field: 'current_password', message: 'is not your current password' }],
          })
        }),
      ],
    })
    await heading('Profile')
    await u.type(screen.getByLabelText('Current password'), 'old-one')
    await u.type(screen.getByLabelText('New password'), 'Amber3Falcon7River')
    await u.type(screen.getByLabelText('New password again'), 'Amber3Falcon7Rivet')
    await u.click(screen.getByRole('button', { name: 'Change password' }))
    expect(await screen.findByText('does not match the new password')).toBeInTheDocument()
    expect(sent).toHaveLength(0)

    await u.clear(screen.getByLabelText('New password again'))
    await u.type(screen.getByLabelText('New password again'), 'Amber3Falcon7River')
    await u.click(screen.getByRole('button', { name: 'Change password' }))
    expect(await screen.findByText('is not your current password')).toBeInTheDocument()
    await waitFor(() =>
      expect(sent).toEqual([{ current_password: 'old-one', new_password: 'Amber3Falcon7River' }]),
    )
  })
})
