import { screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { extension, phoneNumber, ringGroup } from '@/testing/fixtures'
import { on, page } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

describe('phone numbers', () => {
  it('need a valid number and somewhere for calls to go', async () => {
    const sent: Schemas['NewPhoneNumber'][] = []
    const alice = extension()
    const { user: u, router } = renderApp({
      url: '/phone-numbers/new',
      handlers: [
        on('get', '/api/v1/extensions', () => page([alice])),
        on('post', '/api/v1/phone-numbers', ({ body }) => {
          sent.push(body)
          return phoneNumber({ number: '+12125550100', destination: body.destination })
        }),
        on('get', '/api/v1/phone-numbers', () => page([])),
      ],
    })
    await heading('Add phone number')
    await u.type(screen.getByLabelText('Number'), '212 555 0100')
    await u.click(screen.getByRole('button', { name: 'Add number' }))
    expect(
      await screen.findByText('must start with + and the country code, e.g. +12125550100'),
    ).toBeInTheDocument()
    expect(screen.getByText('choose where calls go')).toBeInTheDocument()

    await u.clear(screen.getByLabelText('Number'))
    await u.type(screen.getByLabelText('Number'), '+1 212 555 0100')
    await u.selectOptions(screen.getByLabelText('Calls go to'), 'extension')
    await u.selectOptions(await screen.findByRole('combobox', { name: 'Extension' }), '101 · Alice')
    await u.click(screen.getByRole('button', { name: 'Add number' }))
    await waitFor(() => expect(router.state.location.pathname).toBe('/phone-numbers'))
    expect(sent).toEqual([
      {
        number: '+1 212 555 0100',
        label: '',
        destination: { type: 'extension', id: alice.id },
        status: 'active',
      },
    ])
  })

  it('list where each number’s calls go by name', async () => {
    const sales = ringGroup({ name: 'Sales' })
    renderApp({
      role: 'pbx_user',
      url: '/phone-numbers',
      handlers: [
        on('get', '/api/v1/phone-numbers', () =>
          page([phoneNumber({ destination: { type: 'ring_group', id: sales.id } })]),
        ),
        on('get', '/api/v1/ring-groups', () => page([sales])),
      ],
    })
    await heading('Phone numbers')
    expect(await screen.findByText('Ring group · Sales')).toBeInTheDocument()
    // PBX users read the configuration but do not change it.
    expect(screen.queryByRole('link', { name: /Add number/ })).not.toBeInTheDocument()
  })
})
