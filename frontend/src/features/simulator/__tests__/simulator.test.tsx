import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { extension } from '@/testing/fixtures'
import { on, page } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'
import { zonedInstant } from '@/lib/time'

const desk = extension({ number: '302', name: 'Front desk' })

const answer: Schemas['SimulateResponse'] = {
  path: [
    { destination: { type: 'business_hours', id: 'bh' }, reason: "call to +12125550199 'Reception'" },
    {
      destination: { type: 'voicemail', id: desk.id },
      reason: "schedule 'Office' closed: holiday 'Christmas'",
    },
  ],
  turns: [
    { request: 'voice', path: [], notes: ['plays the greeting'], cxml: '<Response><Record/></Response>' },
  ],
  cxml: '<Response><Record/></Response>',
  unused_digits: ['9'],
}

describe('the routing simulator', () => {
  it('asks in the organization’s time zone, keeps the question in the URL and explains each step', async () => {
    const asked: Schemas['SimulateRequest'][] = []
    const { user: u, router } = renderApp({
      url: '/simulator',
      handlers: [
        on('post', '/api/v1/routing/simulate', ({ body }) => {
          asked.push(body)
          return answer
        }),
        on('get', '/api/v1/extensions/{id}', () => desk),
        on(
          'get',
          '/api/v1/business-hours/{id}',
          () =>
            ({
              id: 'bh',
              name: 'Office',
            }) as unknown as Schemas['BusinessHoursView'],
        ),
        on('get', '/api/v1/extensions', () => page([desk])),
        on('get', '/api/v1/business-hours', () => page([])),
      ],
    })
    await heading('Routing simulator')
    expect(screen.getByText('Enter a number and simulate.')).toBeInTheDocument()
    await u.type(screen.getByLabelText('Number dialled'), '+12125550199')
    await u.type(screen.getByLabelText('Date'), '2026-12-25')
    await u.type(screen.getByLabelText('Time'), '23:30')
    await u.type(screen.getByLabelText('Keys pressed'), '1 9')
    await u.click(screen.getByRole('button', { name: 'Simulate' }))

    await waitFor(() =>
      expect(router.state.location.search).toEqual({
        to: '+12125550199',
        date: '2026-12-25',
        time: '23:30',
        digits: '1 9',
      }),
    )
    await waitFor(() => expect(asked).toHaveLength(1))
    // London is on UTC in December.
    expect(asked[0]).toEqual({
      to: '+12125550199',
      from: null,
      direction: 'inbound',
      at: '2026-12-25T23:30:00.000Z',
      digits: ['1', '9'],
    })
    const steps = within(await screen.findByRole('list', { name: 'Steps' })).getAllByRole('listitem')
    expect(steps[1]).toHaveTextContent("Why: schedule 'Office' closed: holiday 'Christmas'")
    expect(await within(steps[1]!).findByText(/Front desk/)).toBeInTheDocument()
    expect(screen.getByText('plays the greeting')).toBeInTheDocument()
    expect(screen.getByText('No menu asked for these keys: 9')).toBeInTheDocument()
    expect(screen.getByText('CXML the caller ends up with')).toBeInTheDocument()
  })

  it('runs a shared question straight from its URL', async () => {
    let asked = 0
    renderApp({
      url: '/simulator?to=%2B12125550199&direction=subscriber&from=301',
      handlers: [
        on('post', '/api/v1/routing/simulate', ({ body }) => {
          asked += 1
          expect(body).toMatchObject({ to: '+12125550199', direction: 'subscriber', from: '301', at: null })
          return { ...answer, path: answer.path.slice(1), turns: [], unused_digits: [] }
        }),
        on('get', '/api/v1/extensions/{id}', () => desk),
        on('get', '/api/v1/extensions', () => page([desk])),
      ],
    })
    expect(await screen.findByRole('list', { name: 'Steps' })).toBeInTheDocument()
    expect(asked).toBe(1)
  })
})

describe('organization-local times', () => {
  it('become instants across daylight saving', () => {
    expect(zonedInstant('2026-07-01', '09:00', 'Europe/London')).toBe('2026-07-01T08:00:00.000Z')
    expect(zonedInstant('2026-01-15', '09:00', 'America/New_York')).toBe('2026-01-15T14:00:00.000Z')
    expect(zonedInstant('2026-03-08', '03:30', 'America/New_York')).toBe('2026-03-08T07:30:00.000Z')
    expect(zonedInstant('2026-12-31', '23:30', 'Pacific/Auckland')).toBe('2026-12-31T10:30:00.000Z')
  })
})
