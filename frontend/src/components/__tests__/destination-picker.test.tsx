import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { useState } from 'react'
import { describe, expect, it } from 'vitest'
import { keys } from '@/api/keys'
import type { DestinationChoice } from '@/lib/destination'
import { extension, org, ringGroup, user } from '@/testing/fixtures'
import { on, page } from '@/testing/http'
import { server } from '@/testing/server'
import { DestinationName, DestinationPicker } from '../destination-picker'

const sales = ringGroup({ name: 'Sales' })
const support = ringGroup({ name: 'Support' })
const alice = extension({ number: '101', name: 'Alice' })

function withApi(ui: React.ReactNode) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  // The picker reads the organization from the signed-in user, as inside the app.
  queryClient.setQueryData(keys.me, { user: user('owner'), organization: org })
  return render(<QueryClientProvider client={queryClient}>{ui}</QueryClientProvider>)
}

function Harness({
  initial,
  seen,
}: {
  initial: DestinationChoice | null
  seen: (DestinationChoice | null)[]
}) {
  const [value, setValue] = useState(initial)
  return (
    <>
      <label htmlFor="dest">Calls go to</label>
      <DestinationPicker
        id="dest"
        value={value}
        none="Nowhere"
        onChange={(next) => {
          seen.push(next)
          setValue(next)
        }}
      />
      <output aria-label="current">
        {value ? <DestinationName destination={value} withType /> : 'none'}
      </output>
    </>
  )
}

describe('the destination picker', () => {
  it('offers objects by name and yields the chosen one’s type and id', async () => {
    server.use(on('get', '/api/v1/ring-groups', () => page([sales, support])))
    const seen: (DestinationChoice | null)[] = []
    withApi(<Harness initial={null} seen={seen} />)
    const u = userEvent.setup()

    await u.selectOptions(screen.getByLabelText('Calls go to'), 'ring_group')
    const groups = await screen.findByRole('combobox', { name: 'Ring group' })
    await waitFor(() => expect(groups).toHaveTextContent('Support'))
    expect(groups.textContent).not.toContain(sales.id)
    await u.selectOptions(groups, 'Support')

    expect(seen.at(-1)).toEqual({ type: 'ring_group', id: support.id })
    expect(screen.getByLabelText('current')).toHaveTextContent('Ring group · Support')
  })

  it('takes an outside number as typed and needs nothing to hang up', async () => {
    const seen: (DestinationChoice | null)[] = []
    withApi(<Harness initial={null} seen={seen} />)
    const u = userEvent.setup()

    await u.selectOptions(screen.getByLabelText('Calls go to'), 'external_number')
    await u.type(screen.getByRole('textbox', { name: 'Outside number' }), '+12125550100')
    expect(seen.at(-1)).toEqual({ type: 'external_number', number: '+12125550100' })

    await u.selectOptions(screen.getByLabelText('Calls go to'), 'hangup')
    expect(seen.at(-1)).toEqual({ type: 'hangup' })
    expect(screen.queryByRole('textbox', { name: 'Outside number' })).not.toBeInTheDocument()

    await u.selectOptions(screen.getByLabelText('Calls go to'), 'Nowhere')
    expect(seen.at(-1)).toBeNull()
  })

  it('names a current destination beyond the first hundred by fetching it', async () => {
    server.use(
      on('get', '/api/v1/extensions', () => page([], 250)),
      on('get', '/api/v1/extensions/{id}', ({ params }) => ({ ...alice, id: params.id ?? '' })),
    )
    withApi(<Harness initial={{ type: 'voicemail', id: alice.id }} seen={[]} />)
    await waitFor(() =>
      expect(screen.getByLabelText('current')).toHaveTextContent('Voicemail · Voicemail of 101 · Alice'),
    )
    await waitFor(() =>
      expect(screen.getByRole('combobox', { name: 'Voicemail' })).toHaveDisplayValue(
        'Voicemail of 101 · Alice',
      ),
    )
  })

  it('says so when what it points at is gone, rather than showing an id', async () => {
    server.use(
      on('get', '/api/v1/ring-groups', () => page([])),
      on('get', '/api/v1/ring-groups/{id}', () => new Response(null, { status: 404 })),
    )
    withApi(<DestinationName destination={{ type: 'ring_group', id: sales.id }} />)
    expect(await screen.findByText('missing ring group')).toBeInTheDocument()
    expect(document.body.textContent).not.toContain(sales.id)
  })
})
