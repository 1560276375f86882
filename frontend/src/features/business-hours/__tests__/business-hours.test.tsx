import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { id, ringGroup } from '@/testing/fixtures'
import { on, page, problem } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

const at = '2026-12-01T09:00:00Z'
const sales = ringGroup({ name: 'Sales' })
const office: Schemas['BusinessHoursView'] = {
  id: id(),
  name: 'Office',
  timezone: 'Europe/London',
  open: { type: 'ring_group', id: sales.id },
  closed: { type: 'hangup' },
  ranges: [{ weekday: 5, start_minute: 22 * 60, end_minute: 6 * 60 }],
  exceptions: [{ name: 'Christmas', mode: 'closed', start_date: '2026-12-25', end_date: '2026-12-26' }],
  manual_override: null,
  status: 'active',
  created_at: at,
  updated_at: at,
}

describe('business hours', () => {
  it('are created with a range past midnight and a holiday, and the server’s errors land on the row', async () => {
    const sent: Schemas['NewBusinessHours'][] = []
    const { user: u } = renderApp({
      url: '/business-hours/new',
      handlers: [
        on('get', '/api/v1/ring-groups', () => page([sales])),
        on('post', '/api/v1/business-hours', ({ body }) => {
          sent.push(body)
          return problem(422, {
            title: 'Invalid input',
            errors: [
              { field: 'ranges[0].end_minute', message: 'must be 0 to 1440 minutes after local midnight' },
            ],
          })
        }),
      ],
    })
    await heading('New schedule')
    await u.type(screen.getAllByLabelText('Name')[0]!, 'Night desk')
    await u.click(screen.getByRole('button', { name: 'Add a range' }))
    await u.selectOptions(screen.getByLabelText('Day'), 'Friday')
    const opens = screen.getByLabelText('Opens')
    await u.clear(opens)
    await u.type(opens, '22:00')
    const closes = screen.getByLabelText('Closes')
    await u.clear(closes)
    await u.type(closes, '06:00')
    expect(screen.getByText(/^Friday 22:00 to Saturday 06:00/)).toBeInTheDocument()
    // The grid draws the tail on Saturday; screen readers read it per day.
    expect(screen.getByText('Saturday: 00:00 to 06:00')).toBeInTheDocument()

    await u.click(screen.getByRole('button', { name: 'Add a holiday' }))
    const holiday = within(screen.getByRole('list', { name: 'Holidays and special openings' }))
    await u.type(holiday.getByLabelText('Name'), 'Christmas')
    await u.clear(holiday.getByLabelText('From'))
    await u.type(holiday.getByLabelText('From'), '2026-12-25')
    await u.clear(holiday.getByLabelText('To (inclusive)'))
    await u.type(holiday.getByLabelText('To (inclusive)'), '2026-12-24')
    await u.selectOptions(screen.getByLabelText('While open'), 'ring_group')
    await u.selectOptions(await screen.findByRole('combobox', { name: 'Ring group' }), 'Sales')
    await u.click(screen.getByRole('button', { name: 'Create schedule' }))
    expect(await screen.findByText('must not be before the first day')).toBeInTheDocument()
    expect(sent).toHaveLength(0)

    await u.clear(holiday.getByLabelText('To (inclusive)'))
    await u.type(holiday.getByLabelText('To (inclusive)'), '2026-12-26')
    await u.selectOptions(holiday.getByLabelText('Calls go to'), 'external_number')
    await u.type(holiday.getByRole('textbox', { name: 'Outside number' }), '+442071234567')
    await u.click(screen.getByRole('button', { name: 'Create schedule' }))
    await waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toMatchObject({
      name: 'Night desk',
      timezone: 'Europe/London',
      ranges: [{ weekday: 5, start_minute: 1320, end_minute: 360 }],
      exceptions: [
        {
          name: 'Christmas',
          mode: 'closed',
          start_date: '2026-12-25',
          end_date: '2026-12-26',
          destination: { type: 'external_number', number: '+442071234567' },
        },
      ],
      open: { type: 'ring_group', id: sales.id },
    })
    const rows = within(screen.getByRole('list', { name: 'Weekly ranges' })).getAllByRole('listitem')
    expect(rows[0]).toHaveTextContent('must be 0 to 1440 minutes after local midnight')
  })

  it('show whether they are open now, why, and take a manual override', async () => {
    const overrides: Schemas['OverrideInput'][] = []
    let current = office
    const { user: u } = renderApp({
      url: `/business-hours/${office.id}`,
      handlers: [
        on('get', '/api/v1/business-hours/{id}', () => current),
        on('get', '/api/v1/ring-groups', () => page([sales])),
        on('get', '/api/v1/business-hours/{id}/status', () => ({
          at,
          state: current.manual_override ? ('closed' as const) : ('open' as const),
          reason: current.manual_override
            ? 'override: closed until switched off'
            : 'open: Friday 22:00–06:00',
          destination: current.manual_override ? current.closed : current.open,
        })),
        on('post', '/api/v1/business-hours/{id}/override', ({ body }) => {
          overrides.push(body)
          if (body.until) {
            return problem(409, {
              title: 'Conflict',
              errors: [{ field: 'until', message: 'must be in the future' }],
            })
          }
          current = { ...office, manual_override: { mode: body.mode }, updated_at: '2026-12-01T10:00:00Z' }
          return current
        }),
      ],
    })
    await heading('Office')
    expect(await screen.findByText('Open now')).toBeInTheDocument()
    expect(screen.getByText('open: Friday 22:00–06:00')).toBeInTheDocument()
    expect(await screen.findByText('Ring group · Sales')).toBeInTheDocument()
    expect(screen.getAllByLabelText('Name')[0]).toHaveValue('Office')

    await u.selectOptions(screen.getByLabelText('For how long'), 'For 1 hour')
    await u.click(screen.getByRole('button', { name: 'Set override' }))
    expect(await screen.findByText('must be in the future')).toBeInTheDocument()

    await u.selectOptions(screen.getByLabelText('For how long'), 'Until switched off')
    await u.click(screen.getByRole('button', { name: 'Set override' }))
    expect(await screen.findByText('Closed now')).toBeInTheDocument()
    expect(screen.getByText('override: closed until switched off')).toBeInTheDocument()
    expect(overrides.at(-1)).toEqual({ mode: 'closed', until: null })
    expect(screen.getByRole('button', { name: 'End override' })).toBeInTheDocument()
  })

  it('are read-only for a PBX user, override included', async () => {
    renderApp({
      role: 'pbx_user',
      url: `/business-hours/${office.id}`,
      handlers: [
        on('get', '/api/v1/business-hours/{id}', () => office),
        on('get', '/api/v1/ring-groups', () => page([sales])),
        on('get', '/api/v1/business-hours/{id}/status', () => ({
          at,
          state: 'open' as const,
          reason: 'open: Friday 22:00–06:00',
          destination: office.open,
        })),
      ],
    })
    await heading('Office')
    expect(screen.getAllByLabelText('Name')[0]).toBeDisabled()
    expect(screen.queryByRole('button', { name: 'Set override' })).not.toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Add a range' })).not.toBeInTheDocument()
    expect(screen.queryByRole('button', { name: /Save/ })).not.toBeInTheDocument()
  })
})
