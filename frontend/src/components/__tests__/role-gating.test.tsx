import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { Role } from '@/lib/roles'
import { emptyCollections } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

async function navLinks() {
  const nav = await screen.findByRole('navigation', { name: 'Main' })
  return within(nav)
    .getAllByRole('link')
    .map((a) => a.textContent)
}

describe('navigation by role', () => {
  const config = [
    'Extensions',
    'Phone numbers',
    'Ring groups',
    'Business hours',
    'IVR menus',
    'Conference rooms',
    'Outbound routes',
  ]
  const cases: [Role, string[], string[]][] = [
    ['owner', [...config, 'Users', 'Organization', 'Cloudonix', 'Audit log'], []],
    ['pbx_admin', [...config, 'Users', 'Organization', 'Cloudonix', 'Audit log'], []],
    [
      'pbx_user',
      [...config, 'Voicemail', 'Routing simulator'],
      ['Users', 'Organization', 'Cloudonix', 'Audit log'],
    ],
    [
      'reporter',
      ['Live calls', 'Call history'],
      [...config, 'Voicemail', 'Users', 'Organization', 'Audit log'],
    ],
  ]

  it.each(cases)('%s sees what the server lets them use', async (role, shown, hidden) => {
    renderApp({ role, handlers: emptyCollections() })
    const links = await navLinks()
    for (const name of shown) expect(links).toContain(name)
    for (const name of hidden) expect(links).not.toContain(name)
  })
})

describe('screens a role may not use', () => {
  it('a reporter opening extensions learns it is not for their role, and nothing is fetched', async () => {
    // No extensions handler: a request would fail the test.
    renderApp({ role: 'reporter', url: '/extensions' })
    expect(await heading('Not available for your role')).toBeVisible()
  })

  it('a PBX user opening users learns it is not for their role', async () => {
    renderApp({ role: 'pbx_user', url: '/users' })
    expect(await heading('Not available for your role')).toBeVisible()
  })

  it('an unknown page is not found in the organization', async () => {
    renderApp({ url: '/no-such-page' })
    expect(await heading('Not found in your organization')).toBeVisible()
  })
})
