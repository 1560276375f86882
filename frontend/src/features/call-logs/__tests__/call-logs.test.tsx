import { screen, waitFor, within } from '@testing-library/react'
import { http, HttpResponse } from 'msw'
import { describe, expect, it, vi } from 'vitest'
import type { Schemas } from '@/api/client'
import { extension, id } from '@/testing/fixtures'
import { on, page, problem } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'
import { server } from '@/testing/server'

function callLog(fields: Partial<Schemas['CallLogView']> = {}): Schemas['CallLogView'] {
  return {
    id: id(),
    call_sid: 'CA-1',
    direction: 'inbound',
    status: 'completed',
    from_number: '+12125550100',
    to_number: '+442079460000',
    caller_name: 'Ada Lovelace',
    started_at: '2026-07-01T08:00:00Z',
    duration_seconds: 65,
    ...fields,
  }
}

const desk = extension({ number: '101', name: 'Front desk' })

describe('call history', () => {
  it('shows calls in the organization’s time zone and keeps every filter in the URL and the request', async () => {
    const asked: URLSearchParams[] = []
    const { user: u, router } = renderApp({
      url: '/call-logs',
      handlers: [
        on('get', '/api/v1/call-logs', ({ url }) => {
          asked.push(url.searchParams)
          return page([callLog()])
        }),
        on('get', '/api/v1/extensions', () => page([desk])),
      ],
    })
    await heading('Call history')
    // 08:00 UTC is 09:00 in London in July.
    const table = await screen.findByRole('table', { name: 'Calls' })
    expect(within(table).getByRole('link', { name: /9:00:00/ })).toBeInTheDocument()
    expect(within(table).getByText('1:05')).toBeInTheDocument()
    expect(within(table).getByText(/Ada Lovelace/)).toBeInTheDocument()

    await u.selectOptions(screen.getByLabelText('Direction'), 'Inbound')
    await u.selectOptions(screen.getByLabelText('Call status'), 'No answer')
    await waitFor(() => expect(screen.getByLabelText('Extension')).toHaveTextContent('101 · Front desk'))
    await u.selectOptions(screen.getByLabelText('Extension'), '101 · Front desk')
    await u.type(screen.getByLabelText('From date'), '2026-07-01')
    await u.type(screen.getByLabelText('CallSid'), 'CA-exact{Enter}')
    await u.type(screen.getByLabelText('Search'), '+1212')

    await waitFor(() =>
      expect(router.state.location.search).toEqual({
        direction: 'inbound',
        status: 'no_answer',
        extension: desk.id,
        from: '2026-07-01',
        call_sid: 'CA-exact',
        q: '+1212',
      }),
    )
    await waitFor(() => expect(asked.at(-1)?.get('number')).toBe('+1212'))
    const last = asked.at(-1)!
    expect(Object.fromEntries(last)).toMatchObject({
      direction: 'inbound',
      status: 'no_answer',
      extension: desk.id,
      from: '2026-07-01',
      call_sid: 'CA-exact',
      number: '+1212',
    })
  })

  it('shows a long history as "10,000+" calls and offers the pages past the count', async () => {
    const asked: URLSearchParams[] = []
    const { user: u } = renderApp({
      url: '/call-logs?page=400',
      handlers: [
        on('get', '/api/v1/call-logs', ({ url }) => {
          asked.push(url.searchParams)
          const rows = Array.from({ length: 25 }, (_, i) => callLog({ call_sid: `CA-${i}` }))
          return { ...page(rows, 10_000, true), page: Number(url.searchParams.get('page')) }
        }),
        on('get', '/api/v1/extensions', () => page([desk])),
      ],
    })
    await heading('Call history')
    const pages = await screen.findByRole('navigation', { name: 'Calls pages' })
    const n = (v: number) => v.toLocaleString()
    expect(pages).toHaveTextContent(`${n(9_976)}–${n(10_000)} of ${n(10_000)}+`)
    await u.click(within(pages).getByRole('button', { name: 'Next' }))
    await waitFor(() => expect(asked.at(-1)?.get('page')).toBe('401'))
  })

  it('gives a short history its exact total and no page beyond it', async () => {
    renderApp({
      url: '/call-logs',
      handlers: [
        on('get', '/api/v1/call-logs', () => page([callLog(), callLog({ call_sid: 'CA-2' })])),
        on('get', '/api/v1/extensions', () => page([desk])),
      ],
    })
    const pages = await screen.findByRole('navigation', { name: 'Calls pages' })
    expect(pages).toHaveTextContent('1–2 of 2')
    expect(pages).not.toHaveTextContent('+')
    expect(within(pages).getByRole('button', { name: 'Next' })).toBeDisabled()
  })

  it('says when filters match nothing and clears them all', async () => {
    const { user: u, router } = renderApp({
      role: 'reporter',
      url: '/call-logs?status=busy&direction=outbound',
      handlers: [on('get', '/api/v1/call-logs', () => page([]))],
    })
    await heading('Call history')
    expect(await screen.findByText('Nothing matches')).toBeInTheDocument()
    // A reporter cannot list extensions, so there is no extension filter.
    expect(screen.queryByLabelText('Extension')).not.toBeInTheDocument()
    await u.click(screen.getByRole('button', { name: 'Clear filters' }))
    await waitFor(() => expect(router.state.location.search).toEqual({}))
  })

  it('exports the current filter as a CSV file, sent with the session token', async () => {
    let seen: { auth: string | null; query: string } | undefined
    server.use(
      http.get(`${location.origin}/api/v1/call-logs/export.csv`, ({ request }) => {
        seen = { auth: request.headers.get('Authorization'), query: new URL(request.url).search }
        return new HttpResponse('id,call_sid\n', { headers: { 'content-type': 'text/csv' } })
      }),
    )
    const created = vi.fn<() => string>(() => 'blob:calls')
    Object.assign(URL, { createObjectURL: created, revokeObjectURL: vi.fn<() => void>() })
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
    const { user: u } = renderApp({
      url: '/call-logs?direction=inbound&q=%2B1212',
      handlers: [
        on('get', '/api/v1/call-logs', () => page([callLog()])),
        on('get', '/api/v1/extensions', () => page([])),
      ],
    })
    await heading('Call history')
    await u.click(screen.getByRole('button', { name: 'Export CSV' }))
    await waitFor(() => expect(clicked).toHaveBeenCalled())
    expect(seen).toEqual({ auth: 'Bearer test-token', query: '?direction=inbound&number=%2B1212' })
    const link = clicked.mock.contexts[0] as HTMLAnchorElement
    expect(link.download).toMatch(/^calls-\d{4}-\d{2}-\d{2}\.csv$/)
    clicked.mockRestore()
  })
})

describe('a call', () => {
  const detail = (fields: Partial<Schemas['CallLogDetail']> = {}): Schemas['CallLogDetail'] => ({
    ...callLog({ id: 'c1', recording_url: 'https://rec.example/r.mp3', billsec: 60, disposition: 'ANSWER' }),
    path: [
      { type: 'business_hours', id: 'bh1', name: 'Office', reason: "call to +44… 'Main line'" },
      { type: 'voicemail', id: desk.id, name: '101 Front desk', reason: "schedule 'Office' closed" },
    ] as unknown as Schemas['PathStep'][],
    cdr: null,
    trace: {
      entries: [
        {
          at: '2026-07-01T08:00:00Z',
          webhook: 'voice',
          elapsed_ms: 2.4,
          request: { CallSid: 'CA-1', To: '+442079460000' },
          status: 200,
          response: '<Response><Record/></Response>',
          truncated: false,
        },
        {
          at: '2026-07-01T08:00:01.250Z',
          webhook: 'session',
          elapsed_ms: 0.8,
          request: { status: 'ringing', token: '********' },
          status: 200,
          response: '{"changed":true,"status":"ringing"}',
          truncated: false,
        },
      ],
      dropped: 2,
      kept_until: '2026-07-31T08:00:00Z',
    },
    ...fields,
  })

  it('shows where it went and why, the recording, and every request with its answer', async () => {
    const { user: u } = renderApp({
      url: '/call-logs/c1',
      handlers: [on('get', '/api/v1/call-logs/{id}', () => detail())],
    })
    await heading(/\+12125550100/)
    const path = screen.getByRole('list', { name: 'Path' })
    const steps = within(path).getAllByRole('listitem')
    expect(steps[0]).toHaveTextContent("Business hours OfficeWhy: call to +44… 'Main line'")
    expect(within(steps[1]!).getByRole('link', { name: '101 Front desk' })).toHaveAttribute(
      'href',
      `/extensions/${desk.id}`,
    )
    expect(steps[1]).toHaveTextContent("Why: schedule 'Office' closed")
    expect(screen.getByRole('link', { name: 'Open recording' })).toHaveAttribute(
      'href',
      'https://rec.example/r.mp3',
    )
    expect(screen.getByText('Not received yet: Cloudonix sends it after the hangup.')).toBeInTheDocument()

    const trace = screen.getByRole('list', { name: 'Webhook requests' })
    const [voice, session] = within(trace).getAllByRole('listitem')
    expect(voice).toHaveTextContent('+0.000 sVoice request200answered in 2.4 ms')
    expect(session).toHaveTextContent('+1.250 sSession update200answered in 0.8 ms')
    expect(screen.getByText(/2 later requests were not kept/)).toBeInTheDocument()
    // Details open on demand: the request's fields and the CXML answered.
    await u.click(within(voice!).getByText('Voice request'))
    expect(within(voice!).getByText('<Response><Record/></Response>')).toBeVisible()
    expect(within(voice!).getByText('CallSid')).toBeVisible()
  })

  it('is not found when it is not the organization’s', async () => {
    renderApp({
      url: '/call-logs/c1',
      handlers: [on('get', '/api/v1/call-logs/{id}', () => problem(404, { title: 'Not found' }))],
    })
    expect(await screen.findByText(/Not found in your organization/)).toBeInTheDocument()
  })

  it('shows a PBX user no trace', async () => {
    renderApp({
      role: 'pbx_user',
      url: '/call-logs/c1',
      handlers: [on('get', '/api/v1/call-logs/{id}', () => detail({ trace: null }))],
    })
    await heading(/\+12125550100/)
    expect(screen.queryByRole('heading', { name: 'Trace' })).not.toBeInTheDocument()
  })
})
