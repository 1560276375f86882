import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { id, recording, ringGroup } from '@/testing/fixtures'
import { on, page, problem } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

const at = '2026-12-01T09:00:00Z'
const sales = ringGroup({ name: 'Sales' })
const notice = recording({ name: 'Recorded calls notice', duration_ms: 3_000 })

function announcement(fields: Partial<Schemas['AnnouncementView']> = {}): Schemas['AnnouncementView'] {
  return {
    id: id(),
    name: 'Recorded calls',
    recording_id: notice.id,
    text: null,
    voice: null,
    next: { type: 'ring_group', id: sales.id },
    created_at: at,
    updated_at: at,
    ...fields,
  }
}

describe('announcements', () => {
  it('are created playing a recording, then leading on; a taken name is shown on the field', async () => {
    const sent: Schemas['NewAnnouncement'][] = []
    const created = announcement()
    const { user: u } = renderApp({
      url: '/announcements/new',
      handlers: [
        on('get', '/api/v1/recordings', () => page([notice])),
        on('get', '/api/v1/ring-groups', () => page([sales])),
        on('post', '/api/v1/announcements', ({ body }) => {
          sent.push(body)
          return sent.length === 1
            ? problem(409, { title: 'Conflict', errors: [{ field: 'name', message: 'is already taken' }] })
            : created
        }),
        on('get', '/api/v1/announcements/{id}', () => created),
        on('get', '/api/v1/routing/references/{type}/{id}', () => ({ data: [] })),
      ],
    })
    await heading('New announcement')
    await u.type(screen.getByLabelText('Name'), 'Recorded calls')
    await u.click(screen.getByRole('button', { name: 'Create announcement' }))
    expect(await screen.findByText('choose a recording')).toBeInTheDocument()
    await u.selectOptions(screen.getByLabelText('Recording'), 'Recorded calls notice (0:03)')
    await u.selectOptions(screen.getByLabelText('Go to'), 'ring_group')
    await u.selectOptions(await screen.findByRole('combobox', { name: 'Ring group' }), 'Sales')
    await u.click(screen.getByRole('button', { name: 'Create announcement' }))
    expect(await screen.findByText('is already taken')).toBeInTheDocument()
    expect(sent[0]).toEqual({
      name: 'Recorded calls',
      recording_id: notice.id,
      text: null,
      voice: null,
      next: { type: 'ring_group', id: sales.id },
    })
    await u.click(screen.getByRole('button', { name: 'Create announcement' }))
    await heading('Recorded calls')
    expect(screen.getByLabelText('Recording')).toHaveValue(notice.id)
  })

  it('are listed with what they play and where calls go next', async () => {
    const spoken = announcement({ name: 'Closed notice', recording_id: null, text: 'We are closed.' })
    renderApp({
      url: '/announcements',
      role: 'pbx_user',
      handlers: [
        on('get', '/api/v1/announcements', () => page([announcement(), spoken])),
        on('get', '/api/v1/ring-groups', () => page([sales])),
        on('get', '/api/v1/ring-groups/{id}', () => sales),
      ],
    })
    await heading('Announcements')
    const table = await screen.findByRole('table', { name: 'Announcements' })
    const recorded = within(table).getByRole('row', { name: /Recorded calls/ })
    expect(recorded).toHaveTextContent('Recording')
    await waitFor(() => expect(recorded).toHaveTextContent('Sales'))
    expect(within(table).getByRole('row', { name: /Closed notice/ })).toHaveTextContent('We are closed.')
    expect(screen.queryByRole('link', { name: 'New announcement' })).not.toBeInTheDocument()
  })
})
