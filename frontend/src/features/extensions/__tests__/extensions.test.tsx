import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { extension, recording, ringGroup, user } from '@/testing/fixtures'
import { on, page, problem } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

const sales = ringGroup({ name: 'Sales' })

describe('creating an extension', () => {
  it('checks the number before sending, then puts the server’s objections on their fields', async () => {
    const sent: Schemas['NewExtension'][] = []
    const { user: u } = renderApp({
      url: '/extensions/new',
      handlers: [
        on('get', '/api/v1/users', () => page([])),
        on('get', '/api/v1/ring-groups', () => page([sales])),
        on('post', '/api/v1/extensions', ({ body }) => {
          sent.push(body)
          return problem(422, {
            title: 'Invalid input',
            errors: [
              { field: 'number', message: 'is already used by extension 102 · Bob' },
              { field: 'forward_always.id', message: 'no such ring group in your organization' },
            ],
          })
        }),
      ],
    })
    await heading('New extension')
    await u.type(screen.getByLabelText('Number'), '1')
    await u.type(screen.getByLabelText('Name'), 'Alice')
    await u.click(screen.getByRole('button', { name: 'Create extension' }))
    expect(await screen.findByText('must have between 2 and 8 digits')).toBeInTheDocument()
    expect(sent).toHaveLength(0)

    await u.clear(screen.getByLabelText('Number'))
    await u.type(screen.getByLabelText('Number'), '102')
    await u.selectOptions(screen.getByLabelText('Forward every call to'), 'ring_group')
    await u.selectOptions(await screen.findByRole('combobox', { name: 'Ring group' }), 'Sales')
    await u.click(screen.getByRole('button', { name: 'Create extension' }))

    expect(await screen.findByText('is already used by extension 102 · Bob')).toBeInTheDocument()
    expect(screen.getByText('no such ring group in your organization')).toBeInTheDocument()
    expect(screen.getByLabelText('Number')).toHaveAttribute('aria-invalid', 'true')
    expect(sent[0]).toMatchObject({
      number: '102',
      name: 'Alice',
      forward_always: { type: 'ring_group', id: sales.id },
    })
  })

  it('creates one and opens it', async () => {
    const created = extension({ number: '103', name: 'Carol' })
    const { user: u, router } = renderApp({
      url: '/extensions/new',
      handlers: [
        on('get', '/api/v1/users', () => page([])),
        on('post', '/api/v1/extensions', () => created),
        on('get', '/api/v1/extensions/{id}', () => created),
      ],
    })
    await heading('New extension')
    await u.type(screen.getByLabelText('Number'), '103')
    await u.type(screen.getByLabelText('Name'), 'Carol')
    await u.click(screen.getByRole('button', { name: 'Create extension' }))
    await heading('103 · Carol')
    expect(router.state.location.pathname).toBe(`/extensions/${created.id}`)
  })
})

describe('deleting an extension', () => {
  it('shows what still routes to it, as links, when the server refuses', async () => {
    const alice = extension()
    const { user: u } = renderApp({
      url: `/extensions/${alice.id}`,
      handlers: [
        on('get', '/api/v1/extensions/{id}', () => alice),
        on('get', '/api/v1/users', () => page([])),
        on('delete', '/api/v1/extensions/{id}', () =>
          problem(409, {
            title: 'Still in use',
            detail: 'Cannot delete: still used by ring group "Sales". Change those first.',
            references: [
              { object_type: 'ring_group', id: sales.id, name: 'Sales' },
              { object_type: 'phone_number', id: 'pn-1', name: 'Main line' },
            ],
          }),
        ),
      ],
    })
    await heading('101 · Alice')
    await u.click(screen.getByRole('button', { name: 'Delete' }))
    const dialog = await screen.findByRole('alertdialog')
    await u.click(within(dialog).getByRole('button', { name: 'Delete' }))
    expect(await within(dialog).findByText('It is still in use. Change these first:')).toBeInTheDocument()
    expect(within(dialog).getByRole('link', { name: 'Sales' })).toHaveAttribute(
      'href',
      `/ring-groups/${sales.id}`,
    )
    expect(within(dialog).getByRole('link', { name: 'Main line' })).toHaveAttribute(
      'href',
      '/phone-numbers/pn-1',
    )
  })
})

describe('a PBX user', () => {
  it('changes only the call handling of their own extension', async () => {
    const me = user('pbx_user')
    const mine = extension({ user_id: me.id })
    const sent: Schemas['ExtensionUpdate'][] = []
    const greeting = recording({ name: 'My greeting', duration_ms: 5_000 })
    const { user: u } = renderApp({
      me,
      url: `/extensions/${mine.id}`,
      handlers: [
        on('get', '/api/v1/recordings', () => page([greeting])),
        on('get', '/api/v1/extensions/{id}', () => mine),
        on('patch', '/api/v1/extensions/{id}', ({ body }) => {
          sent.push(body)
          return { ...mine, do_not_disturb: body.do_not_disturb ?? mine.do_not_disturb }
        }),
      ],
    })
    await heading('101 · Alice')
    expect(screen.getByLabelText('Number')).toBeDisabled()
    expect(screen.getByLabelText('Name')).toBeDisabled()
    expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument()
    expect(screen.queryByLabelText('User')).not.toBeInTheDocument()

    await u.click(screen.getByRole('switch', { name: 'Do not disturb' }))
    // Their own greeting and where messages are mailed are call handling too; uploading is not.
    await u.selectOptions(screen.getByLabelText('Greeting recording'), 'My greeting (0:05)')
    expect(screen.queryByRole('button', { name: 'Upload new' })).not.toBeInTheDocument()
    await u.type(screen.getByLabelText('Email each message to'), 'alice@')
    await u.click(screen.getByRole('button', { name: 'Save changes' }))
    expect(await screen.findByText('must be an email address')).toBeInTheDocument()
    await u.type(screen.getByLabelText('Email each message to'), 'acme.test')
    await u.click(screen.getByRole('button', { name: 'Save changes' }))
    await waitFor(() =>
      expect(sent).toEqual([
        {
          do_not_disturb: true,
          voicemail_greeting_recording_id: greeting.id,
          voicemail_email: 'alice@acme.test',
        },
      ]),
    )
    expect(screen.getByRole('heading', { name: 'SIP password' })).toBeInTheDocument()
  })

  it('only reads a colleague’s extension', async () => {
    const theirs = extension({ user_id: 'someone-else' })
    renderApp({
      role: 'pbx_user',
      url: `/extensions/${theirs.id}`,
      handlers: [on('get', '/api/v1/extensions/{id}', () => theirs)],
    })
    await heading('101 · Alice')
    expect(screen.getByRole('switch', { name: 'Do not disturb' })).toBeDisabled()
    expect(screen.getByLabelText('Forward every call to')).toBeDisabled()
    expect(screen.queryByRole('button', { name: /Save/ })).not.toBeInTheDocument()
    expect(screen.queryByRole('heading', { name: 'SIP password' })).not.toBeInTheDocument()
  })
})

describe('the SIP password', () => {
  it('is shown only after confirming, and a rotation shows the new one', async () => {
    const alice = extension()
    let rotated = false
    const { user: u } = renderApp({
      url: `/extensions/${alice.id}`,
      handlers: [
        on('get', '/api/v1/extensions/{id}', () => alice),
        on('get', '/api/v1/users', () => page([])),
        on('post', '/api/v1/extensions/{id}/sip-password/reveal', () => ({
          sip_password: 'Amber3Falcon7River!4',
        })),
        on('post', '/api/v1/extensions/{id}/sip-password/rotate', () => {
          rotated = true
          return { sip_password: 'Newer5Heron2Stone#8' }
        }),
      ],
    })
    await heading('101 · Alice')
    expect(screen.queryByDisplayValue('Amber3Falcon7River!4')).not.toBeInTheDocument()
    await u.click(screen.getByRole('button', { name: 'Reveal' }))
    await u.click(
      within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Show password' }),
    )
    expect(await screen.findByDisplayValue('Amber3Falcon7River!4')).toBeInTheDocument()

    await u.click(screen.getByRole('button', { name: 'Rotate' }))
    const confirm = await screen.findByRole('alertdialog')
    expect(rotated).toBe(false)
    await u.click(within(confirm).getByRole('button', { name: 'Replace password' }))
    expect(await screen.findByLabelText('New SIP password')).toHaveValue('Newer5Heron2Stone#8')
    expect(rotated).toBe(true)
  })
})

describe('the extension list', () => {
  it('keeps search and sort in the URL and asks the server for them', async () => {
    const queries: string[] = []
    const { user: u, router } = renderApp({
      url: '/extensions',
      handlers: [
        on('get', '/api/v1/extensions', ({ url }) => {
          queries.push(url.search)
          return page([extension()])
        }),
      ],
    })
    await heading('Extensions')
    await u.type(screen.getByRole('searchbox', { name: 'Search' }), 'ali')
    await waitFor(() => expect(router.state.location.search).toEqual({ q: 'ali' }))
    await u.click(screen.getByRole('button', { name: 'Name' }))
    await waitFor(() => expect(router.state.location.search).toEqual({ q: 'ali', sort: 'name' }))
    await waitFor(() => expect(queries.at(-1)).toBe('?q=ali&page=1&per_page=25&sort=name'))
    expect(screen.getByRole('columnheader', { name: 'Name' })).toHaveAttribute('aria-sort', 'ascending')
  })

  it('says when another organization’s extension is opened', async () => {
    renderApp({
      url: '/extensions/0190a1b2-0000-7000-8000-ffffffffffff',
      handlers: [on('get', '/api/v1/extensions/{id}', () => problem(404, { title: 'Not Found' }))],
    })
    expect(await heading('Not found in your organization')).toBeVisible()
  })
})
