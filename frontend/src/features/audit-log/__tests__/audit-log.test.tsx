import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { id, org, user } from '@/testing/fixtures'
import { on, page } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

const owner = user('owner', { email: 'olive@acme.test' })

// The API types snapshots as bare objects; these are the shapes the server writes.
const snapshot = (fields: object) => fields as Schemas['AuditEntryView']['before']

function entry(fields: Partial<Schemas['AuditEntryView']>): Schemas['AuditEntryView'] {
  return {
    id: id(),
    actor_label: owner.email,
    actor_user_id: owner.id,
    action: 'update',
    object_type: 'cloudonix_settings',
    object_id: org.id,
    created_at: '2026-07-01T08:30:00Z',
    source_ip: '203.0.113.9',
    before: null,
    after: null,
    ...fields,
  }
}

describe('the audit log', () => {
  it('filters in the URL, with dates as the organization’s days', async () => {
    const queries: URLSearchParams[] = []
    const { user: u, router } = renderApp({
      role: 'owner',
      url: '/audit-log?from=2026-07-01&to=2026-07-02',
      handlers: [
        on('get', '/api/v1/users', () => page([owner])),
        on('get', '/api/v1/audit-log', ({ url }) => {
          queries.push(url.searchParams)
          return page([entry({})])
        }),
      ],
    })
    await heading('Audit log')
    // Europe/London is an hour ahead of UTC in July: its days start at 23:00 UTC the day before.
    expect(queries[0]!.get('from')).toBe('2026-06-30T23:00:00.000Z')
    expect(queries[0]!.get('to')).toBe('2026-07-02T23:00:00.000Z')

    await waitFor(() => expect(screen.getByRole('option', { name: owner.email })).toBeInTheDocument())
    await u.selectOptions(screen.getByLabelText('Who'), owner.email)
    await u.selectOptions(screen.getByLabelText('Object type'), 'Cloudonix settings')
    await u.selectOptions(screen.getByLabelText('Action'), 'Provisioned')
    await waitFor(() =>
      expect(router.state.location.search).toEqual({
        from: '2026-07-01',
        to: '2026-07-02',
        actor: owner.id,
        object_type: 'cloudonix_settings',
        action: 'provision',
      }),
    )
    const last = queries.at(-1)!
    expect([last.get('actor'), last.get('object_type'), last.get('action')]).toEqual([
      owner.id,
      'cloudonix_settings',
      'provision',
    ])
  })

  it('shows a change before and after, secrets as the server masked them', async () => {
    const change = entry({
      before: snapshot({ domain: 'old.cloudonix.net', api_key: 'XI…abcd', webhook_bearer_issued: true }),
      after: snapshot({ domain: 'acme.cloudonix.net', api_key: 'XI…wxyz', webhook_bearer_issued: true }),
    })
    const queries: URLSearchParams[] = []
    const { user: u, router } = renderApp({
      role: 'pbx_admin',
      url: '/audit-log',
      handlers: [
        on('get', '/api/v1/users', () => page([owner])),
        on('get', '/api/v1/audit-log', ({ url }) => {
          queries.push(url.searchParams)
          return page([change, entry({ action: 'login', object_type: 'session' })])
        }),
      ],
    })
    await heading('Audit log')
    const table = screen.getByRole('table', { name: 'Audit log' })
    expect(within(table).getByText('Signed in')).toBeInTheDocument()
    await u.click(within(table).getAllByRole('button', { name: /^Changes/ })[0]!)
    const dialog = await screen.findByRole('dialog', { name: 'Changed cloudonix settings' })
    const rows = within(within(dialog).getByRole('table', { name: 'Changes' }))
      .getAllByRole('row')
      .slice(1)
    expect(rows.map((r) => r.textContent)).toEqual([
      'domainchangedold.cloudonix.netacme.cloudonix.net',
      'api_keychangedXI…abcdXI…wxyz',
    ])
    await u.click(within(dialog).getByRole('button', { name: 'Show all 3 fields' }))
    expect(within(dialog).getByText('webhook_bearer_issued')).toBeInTheDocument()
    expect(within(dialog).getByText(/from 203\.0\.113\.9/)).toBeInTheDocument()

    // From a change to the whole history of its object, and back.
    await u.click(within(dialog).getByRole('button', { name: 'Every change of this object' }))
    await waitFor(() =>
      expect(router.state.location.search).toEqual({ object_type: 'cloudonix_settings', object_id: org.id }),
    )
    await waitFor(() => expect(queries.at(-1)!.get('object_id')).toBe(org.id))
    await u.click(screen.getByRole('button', { name: /show every object/ }))
    await waitFor(() => expect(router.state.location.search).toEqual({ object_type: 'cloudonix_settings' }))
  })

  it('says when an entry records no fields', async () => {
    const { user: u } = renderApp({
      role: 'owner',
      url: '/audit-log',
      handlers: [
        on('get', '/api/v1/users', () => page([owner])),
        on('get', '/api/v1/audit-log', () => page([entry({ action: 'rotate_webhook_key' })])),
      ],
    })
    await heading('Audit log')
    const table = await screen.findByRole('table', { name: 'Audit log' })
    expect(within(table).getByText('Issued webhook key')).toBeInTheDocument()
    await u.click(within(table).getByRole('button', { name: /^Changes/ }))
    expect(
      await screen.findByText('This entry records no fields, only that it happened.'),
    ).toBeInTheDocument()
  })
})
