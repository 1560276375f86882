import { act, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Schemas } from '@/api/client'
import { on } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'
import { applyEvent, backoff, socketUrl } from '../api'
import { CallTimer } from '../live-calls-page'

type LiveCall = Schemas['LiveCallView']

function live(fields: Partial<LiveCall> = {}): LiveCall {
  return {
    call_id: `s-${Math.random()}`,
    direction: 'inbound',
    from_number: '+12125550100',
    to_number: '+442079460000',
    caller_name: 'Ada',
    status: 'ringing',
    started_at: new Date(Date.now() - 65_000).toISOString(),
    updated_at: new Date().toISOString(),
    ...fields,
  }
}

/** A WebSocket the test drives: it records what the app opened and lets the test play the server. */
class FakeSocket {
  static all: FakeSocket[] = []
  url: string
  sent: string[] = []
  onopen: (() => void) | null = null
  onmessage: ((m: { data: string }) => void) | null = null
  onclose: (() => void) | null = null
  constructor(url: string) {
    this.url = url
    FakeSocket.all.push(this)
  }
  send(data: string) {
    this.sent.push(data)
  }
  close() {}
  open() {
    act(() => this.onopen?.())
  }
  event(event: Schemas['LiveEvent']) {
    act(() => this.onmessage?.({ data: JSON.stringify(event) }))
  }
  drop() {
    act(() => this.onclose?.())
  }
}

describe('running timers', () => {
  it('count ringing time from the start and talking time from the answer, every second', () => {
    const started = Date.parse('2026-07-01T09:00:00Z')
    const ringing = live({ started_at: '2026-07-01T09:00:00Z' })
    const { rerender } = render(<CallTimer call={ringing} now={started + 5_000} />)
    expect(screen.getByText('Ringing')).toBeInTheDocument()
    expect(screen.getByText('0:05')).toBeInTheDocument()
    rerender(<CallTimer call={ringing} now={started + 6_000} />)
    expect(screen.getByText('0:06')).toBeInTheDocument()
    const talking = { ...ringing, status: 'answered' as const, answered_at: '2026-07-01T09:00:20Z' }
    rerender(<CallTimer call={talking} now={started + 3_600_000 + 20_000 + 61_000} />)
    expect(screen.getByText('Talking')).toBeInTheDocument()
    expect(screen.getByText('1:01:01')).toBeInTheDocument()
  })
})

describe('live events', () => {
  it('add a new call, replace a changed one and drop ended or removed ones', () => {
    const a = live({ call_id: 'a' })
    const b = live({ call_id: 'b' })
    let board = applyEvent([a], { type: 'call.updated', call: b })
    expect(board.map((c) => c.call_id)).toEqual(['a', 'b'])
    board = applyEvent(board, { type: 'call.updated', call: { ...a, status: 'answered' } })
    expect(board.map((c) => [c.call_id, c.status])).toEqual([
      ['a', 'answered'],
      ['b', 'ringing'],
    ])
    board = applyEvent(board, { type: 'call.updated', call: { ...a, status: 'completed' } })
    expect(board.map((c) => c.call_id)).toEqual(['b'])
    expect(applyEvent(board, { type: 'call.removed', call: b })).toEqual([])
    expect(applyEvent(board, { type: 'pong' })).toBe(board)
  })

  it('reconnect after 1 s doubling to 30 s, and connect to /ws or the configured URL with the token', () => {
    expect([0, 1, 2, 5, 9].map((n) => backoff(n, () => 0))).toEqual([1000, 2000, 4000, 30_000, 30_000])
    expect(backoff(0, () => 1)).toBe(800)
    expect(socketUrl('t k', undefined)).toBe(`ws://${location.host}/ws?token=t+k`)
    expect(socketUrl('tok', 'wss://abc.execute-api.us-east-1.amazonaws.com/prod')).toBe(
      'wss://abc.execute-api.us-east-1.amazonaws.com/prod?token=tok',
    )
  })
})

describe('the live board', () => {
  beforeEach(() => {
    FakeSocket.all = []
    vi.stubGlobal('WebSocket', FakeSocket)
  })
  afterEach(() => vi.unstubAllGlobals())

  it('follows the events, says when it is live or reconnecting, and refetches after a reconnect', async () => {
    const first = live({ call_id: 'first', caller_name: 'Ada' })
    let fetched = 0
    renderApp({
      role: 'reporter',
      url: '/live',
      handlers: [
        on('get', '/api/v1/live-calls', () => {
          fetched += 1
          return { data: fetched === 1 ? [first] : [] }
        }),
      ],
    })
    await heading('Live calls')
    const table = await screen.findByRole('table', { name: 'Calls in progress' })
    expect(within(table).getByText(/Ada/)).toBeInTheDocument()
    // Ringing for 65 s when fetched, counted on from there (a loaded machine renders a little later).
    expect(within(table).getByText(/^1:[01]\d$/)).toBeInTheDocument()
    expect(screen.getByRole('status')).toHaveTextContent('Connecting…')

    const socket = FakeSocket.all[0]!
    expect(socket.url).toBe(`ws://${location.host}/ws?token=test-token`)
    socket.open()
    expect(screen.getByRole('status')).toHaveTextContent('Live')

    socket.event({ type: 'call.updated', call: live({ call_id: 'second', caller_name: 'Grace' }) })
    expect(await within(table).findByText(/Grace/)).toBeInTheDocument()
    // Where the call is follows routing: the menu while the caller chooses, then the group.
    socket.event({
      type: 'call.updated',
      call: { ...first, location: { destination: { type: 'ivr_menu', id: 'menu-1' }, name: 'Front desk' } },
    })
    // A reporter sees where, without links to configuration it may not open.
    expect(await within(table).findByText('Front desk')).toBeInTheDocument()
    expect(within(table).getByText('Front desk').parentElement).toHaveTextContent('IVR menu Front desk')
    expect(within(table).queryByRole('link', { name: 'Front desk' })).not.toBeInTheDocument()
    socket.event({
      type: 'call.updated',
      call: {
        ...first,
        status: 'answered',
        answered_at: new Date().toISOString(),
        location: { destination: { type: 'ring_group', id: 'group-1' }, name: 'Sales' },
      },
    })
    expect(await within(table).findByText('Talking')).toBeInTheDocument()
    expect(within(table).getByText('Sales').parentElement).toHaveTextContent('Ring group Sales')
    expect(within(table).queryByText('Front desk')).not.toBeInTheDocument()
    socket.event({ type: 'call.updated', call: { ...first, status: 'completed' } })
    await waitFor(() => expect(within(table).queryByText(/Ada/)).not.toBeInTheDocument())

    socket.drop()
    expect(screen.getByRole('status')).toHaveTextContent('Reconnecting…')
    await waitFor(() => expect(FakeSocket.all).toHaveLength(2), { timeout: 3000 })
    FakeSocket.all[1]!.open()
    expect(screen.getByRole('status')).toHaveTextContent('Live')
    // Events missed while away are fetched afresh: the board is what the server says now.
    expect(await screen.findByText('No calls right now')).toBeInTheDocument()
    expect(fetched).toBe(2)
  })

  it('link where a call is for those who open configuration', async () => {
    const call = live({
      caller_name: 'Ada',
      location: { destination: { type: 'voicemail', id: 'ext-1' }, name: '302 Front desk' },
    })
    renderApp({
      role: 'pbx_user',
      url: '/live',
      handlers: [on('get', '/api/v1/live-calls', () => ({ data: [call] }))],
    })
    const table = await screen.findByRole('table', { name: 'Calls in progress' })
    // A voicemail box is set up on its extension's screen.
    expect(await within(table).findByRole('link', { name: '302 Front desk' })).toHaveAttribute(
      'href',
      '/extensions/ext-1',
    )
    expect(within(table).getByRole('link', { name: '302 Front desk' }).parentElement).toHaveTextContent(
      'Voicemail 302 Front desk',
    )
  })
})
