import { screen, waitFor, within } from '@testing-library/react'
import { HttpResponse, http } from 'msw'
import { describe, expect, it, vi } from 'vitest'
import type { Schemas } from '@/api/client'
import { extension, id, user } from '@/testing/fixtures'
import { emptyCollections, on, page } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

function message(fields: Partial<Schemas['VoicemailView']> = {}): Schemas['VoicemailView'] {
  return {
    id: id(),
    extension_id: id(),
    call_sid: 'CA-1',
    from_number: '+14155550123',
    recording_url: 'https://recordings.example.com/m1.wav',
    duration_seconds: 42,
    heard: false,
    audio_stored: false,
    // 08:05 UTC is 09:05 in London in July.
    created_at: '2026-07-01T08:05:00Z',
    ...fields,
  }
}

describe('voicemail inbox', () => {
  it('lists a PBX user’s own mailboxes, plays in the page, marks heard and new, and deletes after asking', async () => {
    const paula = user('pbx_user', { name: 'Paula' })
    const mine = extension({ number: '301', name: 'Paula desk', user_id: paula.id })
    const theirs = extension({ number: '302', name: 'Front desk' })
    let inbox = [
      message({ extension_id: mine.id }),
      message({ extension_id: mine.id, from_number: '+14155550999', heard: true }),
    ]
    const asked: URLSearchParams[] = []
    const marks: string[] = []
    const deleted: string[] = []
    const { user: u, router } = renderApp({
      url: '/voicemail',
      me: paula,
      handlers: [
        on('get', '/api/v1/voicemail', ({ url }) => {
          asked.push(url.searchParams)
          const heard = url.searchParams.get('heard')
          return page(heard === null ? inbox : inbox.filter((m) => String(m.heard) === heard))
        }),
        on('post', '/api/v1/voicemail/{id}/heard', ({ params }) => {
          marks.push(`heard ${params.id}`)
          inbox = inbox.map((m) => (m.id === params.id ? { ...m, heard: true } : m))
          return inbox.find((m) => m.id === params.id)!
        }),
        on('post', '/api/v1/voicemail/{id}/unheard', ({ params }) => {
          marks.push(`unheard ${params.id}`)
          inbox = inbox.map((m) => (m.id === params.id ? { ...m, heard: false } : m))
          return inbox.find((m) => m.id === params.id)!
        }),
        on('delete', '/api/v1/voicemail/{id}', ({ params }) => {
          deleted.push(params.id!)
          inbox = inbox.filter((m) => m.id !== params.id)
          return null
        }),
        on('get', '/api/v1/extensions', () => page([mine, theirs])),
        ...emptyCollections(),
      ],
    })
    await heading('Voicemail')
    const list = await screen.findByRole('list', { name: 'Messages' })
    const first = within(list).getByRole('listitem', { name: 'Message from +14155550123' })
    expect(first).toHaveTextContent('New')
    expect(first).toHaveTextContent(/9:05/)
    expect(first).toHaveTextContent('0:42')
    await waitFor(() => expect(first).toHaveTextContent('mailbox 301 · Paula desk'))
    const audio = first.querySelector('audio')!
    expect(audio).toHaveAttribute('src', 'https://recordings.example.com/m1.wav')
    expect(audio).toHaveAccessibleName(/Recording from \+14155550123/)

    // Only Paula's own mailbox is offered.
    const mailbox = screen.getByLabelText('Mailbox')
    expect([...(mailbox as HTMLSelectElement).options].map((o) => o.textContent)).toEqual([
      'All my mailboxes',
      '301 · Paula desk',
    ])

    // Playing a new message counts as hearing it.
    audio.dispatchEvent(new Event('play'))
    await waitFor(() => expect(marks).toEqual([`heard ${inbox[0]!.id}`]))
    await waitFor(() => expect(first).toHaveTextContent('Heard'))
    await u.click(within(first).getByRole('button', { name: 'Mark as new' }))
    await waitFor(() => expect(first).toHaveTextContent('New'))
    expect(marks.at(-1)).toBe(`unheard ${inbox[0]!.id}`)

    await u.selectOptions(screen.getByLabelText('Show'), 'New only')
    await waitFor(() => expect(router.state.location.search).toEqual({ show: 'new' }))
    expect(asked.at(-1)!.get('heard')).toBe('false')
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(1))

    const target = inbox[0]!.id
    await u.click(within(list).getByRole('button', { name: 'Delete message from +14155550123' }))
    const dialog = await screen.findByRole('alertdialog')
    expect(dialog).toHaveTextContent('removed from the mailbox for good')
    expect(deleted).toEqual([])
    await u.click(within(dialog).getByRole('button', { name: 'Delete message' }))
    await waitFor(() => expect(deleted).toEqual([target]))
    expect(await screen.findByText('No new messages')).toBeInTheDocument()
  })

  it('lets an admin pick any mailbox, asking the API for that one only', async () => {
    const desk = extension({ number: '302', name: 'Front desk' })
    const asked: URLSearchParams[] = []
    const { user: u } = renderApp({
      url: '/voicemail',
      role: 'pbx_admin',
      handlers: [
        on('get', '/api/v1/voicemail', ({ url }) => {
          asked.push(url.searchParams)
          return page([])
        }),
        on('get', '/api/v1/extensions', () => page([desk])),
        ...emptyCollections(),
      ],
    })
    await heading('Voicemail')
    expect(await screen.findByText('No messages')).toBeInTheDocument()
    await waitFor(() => expect(screen.getByLabelText('Mailbox')).toHaveTextContent('302 · Front desk'))
    await u.selectOptions(screen.getByLabelText('Mailbox'), '302 · Front desk')
    await waitFor(() => expect(asked.at(-1)!.get('extension')).toBe(desk.id))
  })

  it('is not offered to reporters, who may not hear calls', async () => {
    renderApp({ url: '/voicemail', role: 'reporter' })
    expect(await heading('Not available for your role')).toBeVisible()
  })

  it('plays a message from OpBX’s copy once it is stored, fetched with the session’s token', async () => {
    const paula = user('pbx_user', { name: 'Paula' })
    const mine = extension({ number: '301', name: 'Paula desk', user_id: paula.id })
    const stored = message({ extension_id: mine.id, audio_stored: true })
    const fetched: (string | null)[] = []
    const objectUrl = vi.fn<(blob: Blob) => string>(() => 'blob:message')
    Object.assign(URL, { createObjectURL: objectUrl, revokeObjectURL: vi.fn<() => void>() })
    let heard = false
    const { user: u } = renderApp({
      url: '/voicemail',
      me: paula,
      handlers: [
        on('get', '/api/v1/voicemail', () => page([{ ...stored, heard }])),
        http.get(new URL(`/api/v1/voicemail/${stored.id}/audio`, location.origin).href, ({ request }) => {
          fetched.push(request.headers.get('Authorization'))
          return new HttpResponse(new Uint8Array([82, 73, 70, 70]), {
            headers: { 'Content-Type': 'audio/wav' },
          })
        }),
        on('post', '/api/v1/voicemail/{id}/heard', () => {
          heard = true
          return { ...stored, heard }
        }),
        on('get', '/api/v1/extensions', () => page([mine])),
        ...emptyCollections(),
      ],
    })
    await heading('Voicemail')
    const item = await screen.findByRole('listitem', { name: 'Message from +14155550123' })
    // Nothing is downloaded before someone asks to listen.
    expect(item.querySelector('audio')).toBeNull()
    expect(fetched).toEqual([])
    await u.click(within(item).getByRole('button', { name: /^Play Recording from \+14155550123/ }))
    await waitFor(() => expect(item.querySelector('audio')).toHaveAttribute('src', 'blob:message'))
    expect(fetched).toEqual(['Bearer test-token'])
    expect(objectUrl.mock.calls[0]![0].type).toBe('audio/wav')
    item.querySelector('audio')!.dispatchEvent(new Event('play'))
    await waitFor(() => expect(heard).toBe(true))
  })

  it('marks the message a voicemail email links to, until the view changes', async () => {
    const paula = user('pbx_user', { name: 'Paula' })
    const mine = extension({ number: '301', name: 'Paula desk', user_id: paula.id })
    const linked = message({ extension_id: mine.id, from_number: '+14155550777' })
    const other = message({ extension_id: mine.id })
    const { user: u, router } = renderApp({
      url: `/voicemail?extension=${mine.id}&message=${linked.id}`,
      me: paula,
      handlers: [
        on('get', '/api/v1/voicemail', () => page([other, linked])),
        on('get', '/api/v1/extensions', () => page([mine])),
        ...emptyCollections(),
      ],
    })
    await heading('Voicemail')
    const item = await screen.findByRole('listitem', { name: 'Message from +14155550777' })
    expect(item).toHaveAttribute('aria-current', 'true')
    expect(screen.getByRole('listitem', { name: 'Message from +14155550123' })).not.toHaveAttribute(
      'aria-current',
    )
    await u.selectOptions(screen.getByLabelText('Show'), 'New only')
    await waitFor(() => expect(router.state.location.search).not.toHaveProperty('message'))
    expect(screen.getByRole('listitem', { name: 'Message from +14155550777' })).not.toHaveAttribute(
      'aria-current',
    )
  })
})
