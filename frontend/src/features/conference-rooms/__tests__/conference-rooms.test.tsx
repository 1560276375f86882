import { screen, waitFor } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { id, recording } from '@/testing/fixtures'
import { on, page } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

const at = '2026-12-01T09:00:00Z'
const room: Schemas['ConferenceRoomView'] = {
  id: id(),
  name: 'Board room',
  number: '800',
  has_pin: true,
  max_participants: 10,
  mute_on_entry: false,
  announce_join_leave: true,
  wait_for_moderator: false,
  record: false,
  status: 'active',
  created_at: at,
  updated_at: at,
}

describe('conference rooms', () => {
  it('are created with a PIN of 4 to 10 digits', async () => {
    const sent: Schemas['NewConferenceRoom'][] = []
    const music = recording({ name: 'Lobby music', duration_ms: 30_000 })
    const { user: u } = renderApp({
      url: '/conference-rooms/new',
      handlers: [
        on('get', '/api/v1/recordings', () => page([music])),
        on('post', '/api/v1/conference-rooms', ({ body }) => {
          sent.push(body)
          return { ...room, id: id(), name: body.name }
        }),
        on('get', '/api/v1/conference-rooms/{id}', () => room),
      ],
    })
    await heading('New conference room')
    await u.type(screen.getByLabelText('Name'), 'Board room')
    await u.selectOptions(screen.getByLabelText('PIN'), 'Require a PIN')
    await u.type(screen.getByLabelText('PIN digits'), '12')
    await u.click(screen.getByRole('button', { name: 'Create room' }))
    expect(await screen.findByText('must be 4 to 10 digits')).toBeInTheDocument()

    await u.type(screen.getByLabelText('PIN digits'), '34')
    await u.click(screen.getByRole('switch', { name: 'Mute on entry' }))
    await u.selectOptions(screen.getByLabelText('Hold music'), 'Lobby music (0:30)')
    await u.click(screen.getByRole('button', { name: 'Create room' }))
    await waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toMatchObject({
      name: 'Board room',
      number: null,
      pin: '1234',
      mute_on_entry: true,
      hold_music_recording_id: music.id,
    })
  })

  it('never show the PIN, and keep or remove it on request', async () => {
    const sent: Schemas['ConferenceRoomUpdate'][] = []
    const { user: u } = renderApp({
      url: `/conference-rooms/${room.id}`,
      handlers: [
        on('get', '/api/v1/conference-rooms/{id}', () => room),
        on('patch', '/api/v1/conference-rooms/{id}', ({ body }) => {
          sent.push(body)
          return room
        }),
        on('get', '/api/v1/conference-rooms', () => page([room])),
      ],
    })
    await heading('Board room')
    expect(screen.getByLabelText('PIN')).toHaveDisplayValue('Keep the current PIN')
    await u.clear(screen.getByLabelText('Name'))
    await u.type(screen.getByLabelText('Name'), 'Boardroom')
    await u.click(screen.getByRole('button', { name: 'Save changes' }))
    await waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).not.toHaveProperty('pin')

    await u.selectOptions(screen.getByLabelText('PIN'), 'No PIN')
    await u.click(screen.getByRole('button', { name: 'Save changes' }))
    await waitFor(() => expect(sent).toHaveLength(2))
    expect(sent[1]).toHaveProperty('pin', null)
  })
})
