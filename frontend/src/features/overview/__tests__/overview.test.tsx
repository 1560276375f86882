import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { id } from '@/testing/fixtures'
import { emptyCollections, emptyStats, on } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

const desk = id()

function stats(fields: Partial<Schemas['CallStats']> = {}): Schemas['CallStats'] {
  return {
    ...emptyStats(),
    bucket: 'day',
    from: '2026-03-28T00:00:00Z',
    to: '2026-03-30T23:00:00Z',
    calls: 6,
    answered: 4,
    missed: 1,
    average_duration_seconds: 50,
    average_wait_seconds: 12.4,
    average_talk_seconds: 95,
    buckets: [
      {
        start: '2026-03-28T00:00:00Z',
        local_start: '2026-03-28T00:00+00:00',
        calls: 0,
        answered: 0,
        missed: 0,
      },
      {
        start: '2026-03-29T00:00:00Z',
        local_start: '2026-03-29T00:00+00:00',
        calls: 5,
        answered: 3,
        missed: 1,
      },
      {
        start: '2026-03-29T23:00:00Z',
        local_start: '2026-03-30T00:00+01:00',
        calls: 1,
        answered: 1,
        missed: 0,
      },
    ],
    busiest_numbers: [
      { number: '+442079460000', calls: 4 },
      { number: '+442079460001', calls: 2 },
    ],
    busiest_extensions: [{ extension_id: desk, name: '101 Front desk', calls: 3, answered: 2 }],
    ...fields,
  }
}

describe('dashboard', () => {
  it('shows a period’s calls per local day with averages, busiest numbers and extensions and the live count', async () => {
    const asked: URLSearchParams[] = []
    renderApp({
      url: '/?from=2026-03-28&to=2026-03-30',
      handlers: [
        on('get', '/api/v1/call-logs/stats', ({ url }) => {
          asked.push(url.searchParams)
          return stats()
        }),
        on('get', '/api/v1/live-calls', () => ({
          data: [
            {
              call_id: 's-1',
              direction: 'inbound' as const,
              from_number: '+12125550100',
              to_number: '+442079460000',
              status: 'ringing' as const,
              started_at: '2026-03-30T09:00:00Z',
              updated_at: '2026-03-30T09:00:00Z',
            },
          ],
        })),
        ...emptyCollections(),
      ],
    })
    await heading(/^Hello, /)
    const figures = await screen.findByText('Average wait')
    const list = figures.closest('dl')!
    expect(within(list).getByText('Average wait').nextSibling).toHaveTextContent('0:12')
    expect(within(list).getByText('Average talk').nextSibling).toHaveTextContent('1:35')
    expect(within(list).getByText('Answered').nextSibling).toHaveTextContent('4')
    expect(within(list).getByText('67% of calls')).toBeInTheDocument()
    await waitFor(() => expect(within(list).getByText('Live now').nextSibling).toHaveTextContent('1'))
    expect(Object.fromEntries(asked[0]!)).toEqual({ from: '2026-03-28', to: '2026-03-30', bucket: 'day' })

    // The chart arrives in its own chunk, described for screen readers, with a table of the same figures.
    const chart = await screen.findByRole('img', { name: /Calls per day/ })
    expect(chart).toHaveAccessibleName(/6 calls, 4 answered, 1 missed; most at .*Mar 29.* \(5\)/)
    const table = screen.getByRole('table', { name: /Calls per day/ })
    const rows = within(table).getAllByRole('row').slice(1)
    expect(
      rows.map((r) =>
        within(r)
          .getAllByRole('cell')
          .map((c) => c.textContent),
      ),
    ).toEqual([
      ['0', '0', '0'],
      ['5', '3', '1'],
      ['1', '1', '0'],
    ])
    // Days are the organization's local dates: the last bucket starts at 23:00 UTC, on 30 March in London.
    expect(within(rows[2]!).getByRole('rowheader')).toHaveTextContent(/30/)

    const numbers = screen.getByRole('list', { name: 'Busiest numbers' })
    expect(
      within(numbers)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['+4420794600004 calls', '+4420794600012 calls'])
    expect(within(numbers).getByRole('link', { name: '+442079460000' })).toHaveAttribute(
      'href',
      '/call-logs?q=%2B442079460000&from=2026-03-28&to=2026-03-30',
    )
    const extensions = screen.getByRole('list', { name: 'Busiest extensions' })
    expect(within(extensions).getByRole('link', { name: '101 Front desk' })).toHaveAttribute(
      'href',
      `/extensions/${desk}`,
    )
    expect(extensions).toHaveTextContent('3 calls · 2 answered')
  })

  it('reads today hour by hour by default and switches period from the presets', async () => {
    const asked: URLSearchParams[] = []
    const { user: u, router } = renderApp({
      handlers: [
        on('get', '/api/v1/call-logs/stats', ({ url }) => {
          asked.push(url.searchParams)
          return {
            ...emptyStats(),
            bucket: url.searchParams.get('bucket') === 'hour' ? ('hour' as const) : ('day' as const),
          }
        }),
        ...emptyCollections(),
      ],
    })
    await screen.findByText('Average wait')
    expect(asked[0]!.get('bucket')).toBe('hour')
    expect(asked[0]!.get('from')).toBe(asked[0]!.get('to'))
    expect(screen.getByRole('button', { name: 'Today' })).toHaveAttribute('aria-pressed', 'true')
    await u.click(screen.getByRole('button', { name: 'Last 7 days' }))
    await waitFor(() => expect(asked.at(-1)!.get('bucket')).toBe('day'))
    expect(router.state.location.search).toEqual({
      from: asked.at(-1)!.get('from'),
      to: asked[0]!.get('to'),
    })
    expect(await screen.findByRole('img', { name: /no calls/ })).toBeInTheDocument()
    expect(screen.getByText('No calls on the organization’s numbers.')).toBeInTheDocument()
  })

  it('shows a PBX user the same figures, which the server limits to their extensions', async () => {
    renderApp({
      role: 'pbx_user',
      handlers: [
        on('get', '/api/v1/call-logs/stats', () => stats({ busiest_numbers: [] })),
        ...emptyCollections(),
      ],
    })
    const extensions = await screen.findByRole('list', { name: 'Busiest extensions' })
    // A PBX user may read extensions: the name links to the form.
    expect(within(extensions).getByRole('link', { name: '101 Front desk' })).toBeInTheDocument()
  })
})
