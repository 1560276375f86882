import { screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { org, orgSettings } from '@/testing/fixtures'
import { on } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

describe('organization settings', () => {
  it('an owner renames the organization and moves it to another time zone', async () => {
    const sent: Schemas['OrganizationUpdate'][] = []
    const { user: u } = renderApp({
      role: 'owner',
      url: '/settings/organization',
      handlers: [
        on('get', '/api/v1/settings/organization', () => orgSettings),
        on('patch', '/api/v1/settings/organization', ({ body }) => {
          sent.push(body)
          return {
            ...orgSettings,
            name: body.name ?? org.name,
            timezone: body.timezone ?? org.timezone,
          }
        }),
      ],
    })
    await heading('Organization')
    expect(screen.getByLabelText('Short name')).toHaveValue('acme')
    await u.clear(screen.getByLabelText('Name'))
    await u.type(screen.getByLabelText('Name'), 'Acme Europe')
    await u.selectOptions(screen.getByLabelText('Time zone'), 'Europe/Paris')
    await u.click(screen.getByRole('button', { name: 'Save changes' }))
    await waitFor(() => expect(sent).toEqual([{ name: 'Acme Europe', timezone: 'Europe/Paris' }]))
  })

  it('a PBX admin reads them only', async () => {
    renderApp({
      role: 'pbx_admin',
      url: '/settings/organization',
      handlers: [on('get', '/api/v1/settings/organization', () => orgSettings)],
    })
    await heading('Organization')
    expect(screen.getByText('Only owners change these settings.')).toBeInTheDocument()
    expect(screen.getByLabelText('Time zone')).toBeDisabled()
    expect(screen.queryByRole('button', { name: 'Save changes' })).not.toBeInTheDocument()
  })
})
