import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { extension, ringGroup } from '@/testing/fixtures'
import { on, page, problem } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

const alice = extension({ number: '101', name: 'Alice' })
const bob = extension({ number: '102', name: 'Bob' })
const carol = extension({ number: '103', name: 'Carol' })

function memberNames() {
  const list = screen.getByRole('list', { name: 'Members, in ring order' })
  return within(list)
    .getAllByRole('listitem')
    .map((li) => li.textContent?.replace(/^\d+\./, ''))
}

describe('ring groups', () => {
  it('are built from extensions by name, reordered with the arrow buttons, and sent in that order', async () => {
    const sent: Schemas['NewRingGroup'][] = []
    const { user: u } = renderApp({
      url: '/ring-groups/new',
      handlers: [
        on('get', '/api/v1/extensions', () => page([alice, bob, carol])),
        on('post', '/api/v1/ring-groups', ({ body }) => {
          sent.push(body)
          return problem(422, {
            title: 'Invalid input',
            errors: [{ field: 'members[1]', message: 'is not an extension of your organization' }],
          })
        }),
      ],
    })
    await heading('New ring group')
    await u.type(screen.getByLabelText('Name'), 'Sales')
    await u.selectOptions(screen.getByLabelText('How members ring'), 'In order')
    expect(
      screen.getByText('Members ring one at a time, top to bottom, each for the ring time.'),
    ).toBeInTheDocument()

    const add = screen.getByLabelText('Add a member')
    await waitFor(() => expect(add).toBeEnabled())
    await u.selectOptions(add, '101 · Alice')
    await u.selectOptions(add, '102 · Bob')
    await u.selectOptions(add, '103 · Carol')
    await waitFor(() => expect(memberNames()).toEqual(['101 · Alice', '102 · Bob', '103 · Carol']))

    await u.click(screen.getByRole('button', { name: 'Move 103 · Carol up' }))
    await u.click(screen.getByRole('button', { name: 'Remove 101 · Alice' }))
    expect(memberNames()).toEqual(['103 · Carol', '102 · Bob'])

    await u.click(screen.getByRole('button', { name: 'Create ring group' }))
    await waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toMatchObject({ name: 'Sales', strategy: 'sequential', members: [carol.id, bob.id] })
    // The server's `members[1]` lands on the second row.
    const rows = within(screen.getByRole('list', { name: 'Members, in ring order' })).getAllByRole('listitem')
    expect(rows[1]).toHaveTextContent('is not an extension of your organization')
    expect(rows[0]).not.toHaveTextContent('is not an extension')
  })

  it('need at least one member before anything is sent', async () => {
    const { user: u } = renderApp({
      url: '/ring-groups/new',
      handlers: [on('get', '/api/v1/extensions', () => page([alice]))],
    })
    await heading('New ring group')
    await u.type(screen.getByLabelText('Name'), 'Empty')
    await u.click(screen.getByRole('button', { name: 'Create ring group' }))
    expect(await screen.findByText('must list at least one extension')).toBeInTheDocument()
  })

  it('are read-only for a PBX user', async () => {
    const group = ringGroup({ members: [alice.id] })
    renderApp({
      role: 'pbx_user',
      url: `/ring-groups/${group.id}`,
      handlers: [
        on('get', '/api/v1/ring-groups/{id}', () => group),
        on('get', '/api/v1/extensions', () => page([alice])),
      ],
    })
    await heading('Sales')
    expect(screen.getByLabelText('Name')).toBeDisabled()
    expect(await screen.findByRole('button', { name: 'Move 101 · Alice up' })).toBeDisabled()
    expect(screen.queryByLabelText('Add a member')).not.toBeInTheDocument()
    expect(screen.queryByRole('button', { name: /Save/ })).not.toBeInTheDocument()
  })
})
