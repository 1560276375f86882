import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { extension, phoneNumber, ringGroup } from '@/testing/fixtures'
import { on, page } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

const number = phoneNumber({ label: 'Reception' })
const alice = extension({ number: '101', name: 'Alice' })
const team = ringGroup({ name: 'Team', members: [alice.id] })
const root = `phone_number:${number.id}`

const flow: Schemas['CallFlow'] = {
  root,
  truncated: false,
  nodes: [
    { key: root, kind: 'phone_number', id: number.id, name: '+12125550100 Reception', notes: [] },
    { key: 'ivr_menu:m', kind: 'ivr_menu', id: 'm', name: 'Front desk', notes: [] },
    { key: `ring_group:${team.id}`, kind: 'ring_group', id: team.id, name: 'Team', notes: ['simultaneous'] },
    { key: 'hangup', kind: 'hangup', id: null, name: 'Hang up', notes: [] },
  ],
  edges: [
    { from: root, to: 'ivr_menu:m', label: 'every call' },
    { from: 'ivr_menu:m', to: `ring_group:${team.id}`, label: 'press 1 (Team)' },
    { from: 'ivr_menu:m', to: 'ivr_menu:m', label: 'no input 3×' },
    { from: 'ivr_menu:m', to: 'hangup', label: 'invalid input 3×' },
  ],
}

describe('the call-flow graph', () => {
  it('shows each step once as a link to its form, with its ways out read aloud, loops included', async () => {
    const { user: u, router } = renderApp({
      url: `/phone-numbers/${number.id}/graph`,
      handlers: [
        on('get', '/api/v1/phone-numbers/{id}', () => number),
        on('get', '/api/v1/routing/call-flow/{id}', () => flow),
        on('get', '/api/v1/ring-groups/{id}', () => team),
        on('get', '/api/v1/extensions', () => page([alice])),
      ],
    })
    await heading('Call flow of +12125550100 · Reception')
    const steps = await screen.findByRole('list', { name: 'Call flow, step by step' })
    const links = within(steps).getAllByRole('link')
    expect(links.map((l) => l.textContent)).toEqual([
      'Phone number +12125550100 Reception',
      'IVR menu Front desk',
      'Ring group Team',
    ])
    expect(screen.getByText('Hang up')).toBeInTheDocument()
    const ways = within(screen.getByRole('list', { name: 'Ways out of Front desk' })).getAllByRole('listitem')
    expect(ways.map((w) => w.textContent)).toEqual([
      'press 1 (Team) → Ring group Team',
      'no input 3× → IVR menu Front desk (a loop: back to an earlier step)',
      'invalid input 3× → End of call Hang up',
    ])
    await u.click(within(steps).getByRole('link', { name: /Team/ }))
    await heading('Team')
    expect(router.state.location.pathname).toBe(`/ring-groups/${team.id}`)
  })

  it('is opened from the phone number and from a simulation of it', async () => {
    const { user: u, router } = renderApp({
      url: `/simulator?to=${encodeURIComponent(number.number)}`,
      handlers: [
        on('post', '/api/v1/routing/simulate', () => ({
          path: [],
          turns: [],
          cxml: '<Response/>',
          unused_digits: [],
          phone_number_id: number.id,
        })),
        on('get', '/api/v1/phone-numbers/{id}', () => number),
        on('get', '/api/v1/routing/call-flow/{id}', () => flow),
      ],
    })
    await u.click(await screen.findByRole('link', { name: 'Open in call-flow graph' }))
    await heading('Call flow of +12125550100 · Reception')
    await u.click(screen.getByRole('link', { name: 'Edit number' }))
    await heading('+12125550100 · Reception')
    expect(router.state.location.pathname).toBe(`/phone-numbers/${number.id}`)
    await u.click(screen.getByRole('link', { name: 'Call-flow graph' }))
    await heading('Call flow of +12125550100 · Reception')
  })
})

describe('the "Routes here" panel', () => {
  it('lists what routes to an object as links to them', async () => {
    const { user: u, router } = renderApp({
      url: `/ring-groups/${team.id}`,
      handlers: [
        on('get', '/api/v1/ring-groups/{id}', () => team),
        on('get', '/api/v1/extensions', () => page([alice])),
        on('get', '/api/v1/routing/references/{type}/{id}', ({ params }) => {
          expect(params).toEqual({ type: 'ring_group', id: team.id })
          return {
            data: [
              { object_type: 'ivr_menu', id: 'm', name: 'Front desk' },
              { object_type: 'phone_number', id: number.id, name: 'Reception' },
            ],
          }
        }),
        on('get', '/api/v1/phone-numbers/{id}', () => number),
      ],
    })
    await heading('Team')
    const panel = screen.getByRole('region', { name: 'Routes here' })
    expect(await within(panel).findByRole('link', { name: 'Front desk' })).toBeInTheDocument()
    expect(panel).toHaveTextContent('Phone number Reception')
    await u.click(within(panel).getByRole('link', { name: 'Reception' }))
    await heading('+12125550100 · Reception')
    expect(router.state.location.pathname).toBe(`/phone-numbers/${number.id}`)
  })

  it('says when nothing routes here', async () => {
    renderApp({
      url: `/extensions/${alice.id}`,
      handlers: [
        on('get', '/api/v1/extensions/{id}', () => alice),
        on('get', '/api/v1/users', () => page([])),
      ],
    })
    await heading('101 · Alice')
    const panel = screen.getByRole('region', { name: 'Routes here' })
    expect(await within(panel).findByText('Nothing routes calls here yet.')).toBeInTheDocument()
  })
})
