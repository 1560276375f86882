import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { HttpResponse, http } from 'msw'
import { extension, id, recording, ringGroup } from '@/testing/fixtures'
import { on, page, problem } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

const at = '2026-12-01T09:00:00Z'
const sales = ringGroup({ name: 'Sales' })
const alice = extension({ number: '101', name: 'Alice' })
const bob = extension({ number: '102', name: 'Bob' })
const menu: Schemas['IvrMenuView'] = {
  id: id(),
  name: 'Main menu',
  prompt_text: null,
  prompt_voice: null,
  prompt_audio_url: 'https://cdn.example.com/menu.mp3',
  digit_timeout: 5,
  max_invalid: 3,
  max_timeouts: 3,
  invalid_destination: { type: 'hangup' },
  timeout_destination: { type: 'hangup' },
  options: [{ digits: '1', label: 'Sales', destination: { type: 'ring_group', id: sales.id } }],
  direct_dial: true,
  direct_dial_allowlist: [alice.id],
  status: 'active',
  created_at: at,
  updated_at: at,
}

describe('IVR menus', () => {
  it('are created with spoken text and options by key; duplicate keys and server errors land on the option', async () => {
    const sent: Schemas['NewIvrMenu'][] = []
    const { user: u } = renderApp({
      url: '/ivr-menus/new',
      handlers: [
        on('get', '/api/v1/ring-groups', () => page([sales])),
        on('get', '/api/v1/extensions', () => page([alice, bob])),
        on('post', '/api/v1/ivr-menus', ({ body }) => {
          sent.push(body)
          return problem(409, {
            title: 'Conflict',
            errors: [
              { field: 'options[1].destination.id', message: 'is not an object of your organization' },
            ],
          })
        }),
      ],
    })
    await heading('New IVR menu')
    await u.type(screen.getByLabelText('Name'), 'Main menu')
    await u.click(screen.getByRole('button', { name: 'Create menu' }))
    expect(await screen.findByText('is required: what callers hear')).toBeInTheDocument()
    await u.type(screen.getByLabelText('Text to speak'), 'For sales press 1.')

    await u.click(screen.getByRole('button', { name: 'Add an option' }))
    await u.click(screen.getByRole('button', { name: 'Add an option' }))
    const options = () =>
      within(screen.getByRole('list', { name: 'Options by key' })).getAllByRole('listitem')
    expect(within(options()[0]!).getByLabelText('Keys')).toHaveValue('1')
    expect(within(options()[1]!).getByLabelText('Keys')).toHaveValue('2')
    await u.type(within(options()[0]!).getByLabelText('Label'), 'Sales')
    await u.selectOptions(within(options()[0]!).getByLabelText('Leads to'), 'ring_group')
    await u.selectOptions(await within(options()[0]!).findByRole('combobox', { name: 'Ring group' }), 'Sales')
    await u.clear(within(options()[1]!).getByLabelText('Keys'))
    await u.type(within(options()[1]!).getByLabelText('Keys'), '1')
    await u.click(screen.getByRole('button', { name: 'Create menu' }))
    expect(await within(options()[1]!).findByText('is used by another option')).toBeInTheDocument()
    expect(within(options()[1]!).getByText('choose where this key leads')).toBeInTheDocument()

    await u.clear(within(options()[1]!).getByLabelText('Keys'))
    await u.type(within(options()[1]!).getByLabelText('Keys'), '9')
    await u.selectOptions(within(options()[1]!).getByLabelText('Leads to'), 'hangup')
    await u.click(screen.getByRole('switch', { name: 'Callers may dial an extension' }))
    await u.selectOptions(await screen.findByLabelText('Only these extensions'), '102 · Bob')
    await u.click(screen.getByRole('button', { name: 'Create menu' }))
    await waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toMatchObject({
      name: 'Main menu',
      prompt_text: 'For sales press 1.',
      prompt_audio_url: null,
      options: [
        { digits: '1', label: 'Sales', destination: { type: 'ring_group', id: sales.id } },
        { digits: '9', label: '', destination: { type: 'hangup' } },
      ],
      direct_dial: true,
      direct_dial_allowlist: [bob.id],
    })
    expect(
      await within(options()[1]!).findByText('is not an object of your organization'),
    ).toBeInTheDocument()
  })

  it('switch between a recording and spoken text, clearing the other', async () => {
    const sent: Schemas['IvrMenuUpdate'][] = []
    const { user: u } = renderApp({
      url: `/ivr-menus/${menu.id}`,
      handlers: [
        on('get', '/api/v1/ivr-menus/{id}', () => menu),
        on('get', '/api/v1/ring-groups', () => page([sales])),
        on('get', '/api/v1/extensions', () => page([alice, bob])),
        on('patch', '/api/v1/ivr-menus/{id}', ({ body }) => {
          sent.push(body)
          return menu
        }),
        on('get', '/api/v1/ivr-menus', () => page([menu])),
      ],
    })
    await heading('Main menu')
    expect(screen.getByLabelText('Audio URL')).toHaveValue('https://cdn.example.com/menu.mp3')
    expect(await screen.findByRole('list', { name: 'Extensions callers may dial' })).toHaveTextContent(
      '101 · Alice',
    )
    await u.clear(screen.getByLabelText('Audio URL'))
    await u.type(screen.getByLabelText('Audio URL'), 'http://cdn.example.com/menu.mp3')
    await u.click(screen.getByRole('button', { name: 'Save changes' }))
    expect(await screen.findByText(/must be an https:\/\/ URL/)).toBeInTheDocument()

    await u.selectOptions(screen.getByLabelText('Greeting'), 'Spoken text')
    await u.type(screen.getByLabelText('Text to speak'), 'Welcome.')
    await u.click(screen.getByRole('button', { name: 'Save changes' }))
    await waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toMatchObject({ prompt_text: 'Welcome.', prompt_audio_url: null })
  })

  it('play an uploaded recording: chosen from the list, or uploaded from the form and chosen', async () => {
    const welcome = recording({ name: 'Welcome', duration_ms: 4_000 })
    const night = recording({ name: 'Night', duration_ms: 12_000 })
    const list = [welcome]
    const sent: Schemas['IvrMenuUpdate'][] = []
    const { user: u } = renderApp({
      url: `/ivr-menus/${menu.id}`,
      handlers: [
        on('get', '/api/v1/ivr-menus/{id}', () => menu),
        on('get', '/api/v1/ring-groups', () => page([sales])),
        on('get', '/api/v1/extensions', () => page([alice, bob])),
        on('get', '/api/v1/recordings', () => page(list)),
        http.post(new URL('/api/v1/recordings', location.origin).href, () => {
          list.push(night)
          return HttpResponse.json(night, { status: 201 })
        }),
        on('patch', '/api/v1/ivr-menus/{id}', ({ body }) => {
          sent.push(body)
          return menu
        }),
        on('get', '/api/v1/ivr-menus', () => page([menu])),
      ],
    })
    await heading('Main menu')
    await u.selectOptions(screen.getByLabelText('Greeting'), 'An uploaded recording')
    await u.click(screen.getByRole('button', { name: 'Save changes' }))
    expect(await screen.findByText('choose a recording')).toBeInTheDocument()
    await u.selectOptions(screen.getByLabelText('Recording'), 'Welcome (0:04)')
    await u.click(screen.getByRole('button', { name: 'Save changes' }))
    await waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toMatchObject({
      prompt_recording_id: welcome.id,
      prompt_audio_url: null,
      prompt_text: null,
    })

    await u.click(screen.getByRole('button', { name: 'Upload new' }))
    const dialog = await screen.findByRole('dialog', { name: 'Upload recording' })
    const wav = new Uint8Array(44)
    wav.set([...'RIFF'].map((c) => c.charCodeAt(0)))
    wav.set(
      [...'WAVE'].map((c) => c.charCodeAt(0)),
      8,
    )
    await u.upload(within(dialog).getByLabelText('Audio file'), new File([wav], 'night.wav'))
    await u.click(within(dialog).getByRole('button', { name: 'Upload' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument())
    // The upload's submit stayed in the dialog: the menu was not saved with it.
    expect(sent).toHaveLength(1)
    await waitFor(() => expect(screen.getByLabelText('Recording')).toHaveValue(night.id))
    await u.click(screen.getByRole('button', { name: 'Save changes' }))
    await waitFor(() => expect(sent).toHaveLength(2))
    expect(sent[1]).toMatchObject({ prompt_recording_id: night.id })
  })
})
