import { screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { id } from '@/testing/fixtures'
import { on, page, problem } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

const at = '2026-12-01T09:00:00Z'
const uk: Schemas['OutboundRouteView'] = {
  id: id(),
  name: 'UK',
  priority: 10,
  match_kind: 'prefix',
  match_value: '01144',
  strip_digits: 3,
  prepend: '+',
  trunk: 'main',
  caller_id: null,
  status: 'active',
  created_at: at,
  updated_at: at,
}

describe('outbound routes', () => {
  it('check the match notation before sending, and map the server’s errors onto fields', async () => {
    const sent: Schemas['NewOutboundRoute'][] = []
    const { user: u } = renderApp({
      url: '/outbound-routes/new',
      handlers: [
        on('post', '/api/v1/outbound-routes', ({ body }) => {
          sent.push(body)
          return problem(409, { title: 'Conflict', errors: [{ field: 'name', message: 'is taken' }] })
        }),
      ],
    })
    await heading('New outbound route')
    await u.type(screen.getByLabelText('Name'), 'North America')
    await u.selectOptions(screen.getByLabelText('Match by'), 'pattern')
    await u.type(screen.getByLabelText('Pattern'), 'NXXQ')
    await u.type(screen.getByLabelText('Trunk'), 'main')
    await u.type(screen.getByLabelText('Caller id'), '555')
    await u.click(screen.getByRole('button', { name: 'Create route' }))
    expect(await screen.findByText(/a pattern may contain only digits/)).toBeInTheDocument()
    expect(screen.getByText('must start with + and the country code, e.g. +12125550100')).toBeInTheDocument()
    expect(sent).toHaveLength(0)

    await u.clear(screen.getByLabelText('Pattern'))
    await u.type(screen.getByLabelText('Pattern'), 'NXXNXXXXXX')
    await u.clear(screen.getByLabelText('Then add in front'))
    await u.type(screen.getByLabelText('Then add in front'), '+1')
    await u.clear(screen.getByLabelText('Caller id'))
    await u.click(screen.getByRole('button', { name: 'Create route' }))
    await waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toMatchObject({
      name: 'North America',
      match_kind: 'pattern',
      match_value: 'NXXNXXXXXX',
      prepend: '+1',
      trunk: 'main',
      caller_id: null,
      priority: 100,
    })
    expect(await screen.findByText('is taken')).toBeInTheDocument()
  })

  it('test a dialled number with the routing engine, and say when to retry', async () => {
    const asked: Schemas['SimulateRequest'][] = []
    let calls = 0
    const { user: u } = renderApp({
      url: '/outbound-routes',
      handlers: [
        on('get', '/api/v1/outbound-routes', () => page([uk])),
        on('post', '/api/v1/routing/simulate', ({ body }) => {
          asked.push(body)
          if (++calls > 1) return problem(429, { title: 'Too many requests' }, { 'Retry-After': '42' })
          return {
            path: [],
            turns: [
              {
                request: 'voice',
                path: [],
                notes: ["outbound route 'UK' dials +442071234567 via trunk 'main' as +12125550100"],
                cxml: '<Response/>',
              },
            ],
            cxml: '<Response/>',
            unused_digits: [],
          }
        }),
      ],
    })
    await heading('Outbound routes')
    expect(screen.getByRole('row', { name: /UK/ })).toHaveTextContent('strip 3, add +')
    await u.type(screen.getByLabelText('Dialled number'), '011442071234567')
    await u.click(screen.getByRole('button', { name: 'Test' }))
    expect(
      await screen.findByText("outbound route 'UK' dials +442071234567 via trunk 'main' as +12125550100"),
    ).toBeInTheDocument()
    expect(asked[0]).toEqual({ to: '011442071234567', direction: 'subscriber' })

    await u.click(screen.getByRole('button', { name: 'Test' }))
    expect(await screen.findByText('Too many tests just now; try again in 42 s.')).toBeInTheDocument()
  })
})
