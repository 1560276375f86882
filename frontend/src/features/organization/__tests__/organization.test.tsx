import { screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { org, orgSettings, phoneNumber } from '@/testing/fixtures'
import { on, page, problem } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

const main = phoneNumber({ number: '+12125550100', label: 'Main line' })

describe('organization settings', () => {
  it('an owner renames the organization and moves it to another time zone', async () => {
    const sent: Schemas['OrganizationUpdate'][] = []
    const { user: u } = renderApp({
      role: 'owner',
      url: '/settings/organization',
      handlers: [
        on('get', '/api/v1/settings/organization', () => orgSettings),
        on('get', '/api/v1/phone-numbers', () => page([main])),
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
    await waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toMatchObject({ name: 'Acme Europe', timezone: 'Europe/Paris', default_caller_id: null })
  })

  it('an owner sets the calling rules, and the server’s 409 and 422 land on their fields', async () => {
    const sent: Schemas['OrganizationUpdate'][] = []
    const { user: u } = renderApp({
      role: 'owner',
      url: '/settings/organization',
      handlers: [
        on('get', '/api/v1/settings/organization', () => orgSettings),
        on('get', '/api/v1/phone-numbers', () => page([main])),
        on('patch', '/api/v1/settings/organization', ({ body }) => {
          sent.push(body)
          if (sent.length === 1) {
            return problem(409, {
              title: 'Conflict',
              errors: [
                { field: 'default_caller_id', message: "must be one of the organization's phone numbers" },
              ],
            })
          }
          return problem(422, {
            title: 'Invalid input',
            errors: [{ field: 'forwarding_prefixes[1]', message: 'does not match the pattern' }],
          })
        }),
      ],
    })
    await heading('Organization')
    await waitFor(() =>
      expect(screen.getByRole('option', { name: '+12125550100 · Main line' })).toBeInTheDocument(),
    )
    await u.selectOptions(screen.getByLabelText('Default caller id'), '+12125550100 · Main line')
    await u.selectOptions(
      screen.getByLabelText('Forwarding to outside numbers'),
      'Only to numbers starting with listed prefixes',
    )
    await u.click(screen.getByRole('button', { name: 'Save changes' }))
    expect(
      await screen.findByText('needs at least one prefix when forwarding is limited to listed prefixes'),
    ).toBeInTheDocument()
    await u.click(screen.getByRole('button', { name: 'Add a prefix' }))
    await u.type(screen.getByLabelText('Prefix 1'), '1212')
    await u.click(screen.getByRole('button', { name: 'Add a prefix' }))
    await u.type(screen.getByLabelText('Prefix 2'), '44')
    await u.type(screen.getByLabelText('Message before refusing'), 'This number is not in service.')
    await u.click(screen.getByRole('button', { name: 'Save changes' }))
    await waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toMatchObject({
      default_caller_id: '+12125550100',
      external_forwarding: 'listed_prefixes',
      forwarding_prefixes: ['+1212', '+44'],
      unassigned_number_message: 'This number is not in service.',
    })
    expect(await screen.findByText("must be one of the organization's phone numbers")).toBeInTheDocument()

    await u.click(screen.getByRole('button', { name: 'Save changes' }))
    await waitFor(() => expect(sent).toHaveLength(2))
    expect(await screen.findByText('does not match the pattern')).toBeInTheDocument()
    expect(screen.getByLabelText('Prefix 2')).toHaveAttribute('aria-invalid', 'true')
  })

  it('a PBX admin reads them only', async () => {
    renderApp({
      role: 'pbx_admin',
      url: '/settings/organization',
      handlers: [
        on('get', '/api/v1/settings/organization', () => orgSettings),
        on('get', '/api/v1/phone-numbers', () => page([main])),
      ],
    })
    await heading('Organization')
    expect(screen.getByText('Only owners change these settings.')).toBeInTheDocument()
    expect(screen.getByLabelText('Time zone')).toBeDisabled()
    expect(screen.getByLabelText('Default caller id')).toBeDisabled()
    expect(screen.queryByRole('button', { name: 'Save changes' })).not.toBeInTheDocument()
  })
})
