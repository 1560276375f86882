import { screen, waitFor, within } from '@testing-library/react'
import { HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import type { JobView } from '@/api/jobs'
import { extension, id } from '@/testing/fixtures'
import { on, page } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

const jobId = id()
const reason = 'Cloudonix answered 400: msisdn already exists'

function retried(): JobView {
  const at = '2026-12-01T09:00:00Z'
  return {
    id: jobId,
    kind: 'sync_extension',
    state: 'pending',
    attempts: 0,
    run_after: at,
    created_at: at,
    updated_at: at,
  }
}

describe('the Cloudonix sync state of extensions', () => {
  it('shows in the list, a failure with its reason and a Retry that runs the job again', async () => {
    const retries: string[] = []
    let failing = extension({
      number: '301',
      cloudonix_sync: { state: 'failed', error: reason, job_id: jobId },
    })
    const synced = extension({ number: '302', name: 'Bob', cloudonix_sync: { state: 'synced' } })
    const { user: u } = renderApp({
      role: 'pbx_admin',
      url: '/extensions',
      handlers: [
        on('get', '/api/v1/extensions', () => page([failing, synced])),
        on('post', '/api/v1/jobs/{id}/retry', ({ params }) => {
          retries.push(params.id!)
          failing = { ...failing, cloudonix_sync: { state: 'pending', job_id: jobId } }
          return HttpResponse.json(retried(), { status: 202 })
        }),
      ],
    })
    await heading('Extensions')
    const table = screen.getByRole('table', { name: 'Extensions' })
    const [first, second] = within(table).getAllByRole('row').slice(1)
    expect(within(first!).getByText('Sync failed')).toBeInTheDocument()
    expect(within(first!).getByText(reason)).toBeInTheDocument()
    expect(within(second!).getByText('Synced')).toBeInTheDocument()
    expect(within(second!).queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument()

    await u.click(within(first!).getByRole('button', { name: 'Retry' }))
    await waitFor(() => expect(retries).toEqual([jobId]))
    // The list is fetched again: the extension is on its way to Cloudonix.
    expect(await within(table).findByText('Syncing')).toBeInTheDocument()
  })

  it('shows on the extension’s page with what it means', async () => {
    const ext = extension({ cloudonix_sync: { state: 'failed', error: reason, job_id: jobId } })
    renderApp({
      role: 'pbx_user',
      url: `/extensions/${ext.id}`,
      handlers: [on('get', '/api/v1/extensions/{id}', () => ext), on('get', '/api/v1/users', () => page([]))],
    })
    await heading(`${ext.number} · ${ext.name}`)
    const status = screen.getByRole('status', { name: 'Cloudonix sync' })
    expect(within(status).getByText('Sync failed')).toBeInTheDocument()
    expect(within(status).getByText(reason)).toBeInTheDocument()
    // Only admins may run the job again.
    expect(within(status).queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument()
  })
})
