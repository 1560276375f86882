import type { QueryClient } from '@tanstack/react-query'
import { screen, waitFor, within } from '@testing-library/react'
import { HttpResponse } from 'msw'
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import type { JobView } from '@/api/jobs'
import { id } from '@/testing/fixtures'
import { on, problem } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

const at = '2026-12-01T09:00:00Z'

function settings(fields: Partial<Schemas['CloudonixSettingsView']> = {}): Schemas['CloudonixSettingsView'] {
  return {
    domain: 'acme.cloudonix.net',
    api_key: 'XI…abcd',
    domain_name: 'acme.cloudonix.net',
    domain_uuid: '00000000-0000-0000-0000-000000000101',
    webhook_bearer_issued: false,
    cdr_endpoint_issued: true,
    provisioned_at: null,
    updated_at: at,
    voice_application_id: null,
    ...fields,
  }
}

const urls: Schemas['CloudonixUrlsView'] = {
  voice_application_url: 'https://pbx.example.com/webhooks/cloudonix/voice',
  session_update_endpoint: 'https://pbx.example.com/webhooks/cloudonix/session/s3cr3t',
  cdr_endpoint: 'https://pbx.example.com/webhooks/cloudonix/cdr/t0k3n',
}

/** Everything the app's query cache holds, as text. */
const cached = (queryClient: QueryClient) =>
  JSON.stringify(
    queryClient
      .getQueryCache()
      .getAll()
      .map((q) => q.state.data),
  )

const page = (extra: NonNullable<Parameters<typeof renderApp>[0]>['handlers'] = [], current = settings()) =>
  renderApp({
    role: 'owner',
    url: '/settings/cloudonix',
    handlers: [
      on('get', '/api/v1/settings/cloudonix', () => current),
      on('get', '/api/v1/settings/cloudonix/urls', () => urls),
      ...extra,
    ],
  })

describe('the Cloudonix API key', () => {
  it('is write-only: shown masked, never in full, and an empty field keeps it', async () => {
    const sent: Schemas['CloudonixSettingsInput'][] = []
    let current = settings()
    const fullKey = 'XI0123456789abcdef0123456789wxyz99'
    const { user: u, queryClient } = renderApp({
      role: 'owner',
      url: '/settings/cloudonix',
      handlers: [
        on('get', '/api/v1/settings/cloudonix', () => current),
        on('get', '/api/v1/settings/cloudonix/urls', () => urls),
        on('put', '/api/v1/settings/cloudonix', ({ body }) => {
          sent.push(body)
          current = settings({ domain: body.domain, api_key: 'XI…yz99', updated_at: '2026-12-01T10:00:00Z' })
          return current
        }),
      ],
    })
    await heading('Cloudonix')
    const key = screen.getByLabelText('API key')
    expect(key).toHaveValue('')
    expect(key).toHaveAttribute('type', 'password')
    expect(screen.getByText('XI…abcd')).toBeInTheDocument()

    await u.type(key, fullKey)
    await u.click(screen.getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(sent).toHaveLength(1))
    expect(sent[0]).toEqual({ domain: 'acme.cloudonix.net', api_key: fullKey })

    // Saved: the field is empty again and only the new mask is shown, anywhere.
    expect(await screen.findByText('XI…yz99')).toBeInTheDocument()
    expect(screen.getByLabelText('API key')).toHaveValue('')
    expect(document.body.innerHTML).not.toContain(fullKey)
    expect(cached(queryClient)).not.toContain(fullKey)

    await u.clear(screen.getByLabelText('Domain'))
    await u.type(screen.getByLabelText('Domain'), 'other.cloudonix.net')
    await u.click(screen.getByRole('button', { name: 'Save' }))
    await waitFor(() => expect(sent).toHaveLength(2))
    expect(sent[1]).toEqual({ domain: 'other.cloudonix.net', api_key: null })
  })

  it('is required until one is stored, and the server’s 409 and 422 land on their fields', async () => {
    let calls = 0
    const { user: u } = page(
      [
        on('put', '/api/v1/settings/cloudonix', () => {
          calls += 1
          return calls === 1
            ? problem(409, {
                title: 'Conflict',
                errors: [{ field: 'domain', message: 'is connected to another organization' }],
              })
            : problem(422, {
                title: 'Invalid input',
                errors: [{ field: 'api_key', message: 'does not match the pattern' }],
              })
        }),
      ],
      settings({ domain: null, api_key: null, domain_name: null, domain_uuid: null, updated_at: null }),
    )
    await heading('Cloudonix')
    await u.type(screen.getByLabelText('Domain'), 'acme.cloudonix.net')
    await u.click(screen.getByRole('button', { name: 'Save' }))
    expect(await screen.findByText('is required until a key is stored')).toBeInTheDocument()
    expect(calls).toBe(0)

    await u.type(screen.getByLabelText('API key'), 'XI0123456789abcdef0123456789abcdef')
    await u.click(screen.getByRole('button', { name: 'Save' }))
    expect(await screen.findByText('is connected to another organization')).toBeInTheDocument()
    expect(screen.getByLabelText('Domain')).toHaveAttribute('aria-invalid', 'true')
    await u.click(screen.getByRole('button', { name: 'Save' }))
    expect(await screen.findByText('does not match the pattern')).toBeInTheDocument()
    expect(screen.getByLabelText('API key')).toHaveAttribute('aria-invalid', 'true')
  })

  it('is neither shown nor editable for a PBX admin, who sees no URLs or keys', async () => {
    renderApp({
      role: 'pbx_admin',
      url: '/settings/cloudonix',
      handlers: [on('get', '/api/v1/settings/cloudonix', () => settings())],
    })
    await heading('Cloudonix')
    expect(screen.getByLabelText('API key')).toBeDisabled()
    expect(screen.getByLabelText('Domain')).toBeDisabled()
    expect(screen.queryByRole('button', { name: 'Save' })).not.toBeInTheDocument()
    expect(screen.queryByText('Webhook URLs')).not.toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Provision' })).not.toBeInTheDocument()
  })
})

describe('the webhook URLs', () => {
  it('are listed with a copy button each', async () => {
    page()
    await heading('Cloudonix')
    for (const [label, value] of [
      ['Voice application URL', urls.voice_application_url],
      ['Session update endpoint', urls.session_update_endpoint],
      ['CDR endpoint', urls.cdr_endpoint],
    ] as const) {
      expect(await screen.findByLabelText(label)).toHaveValue(value)
      expect(screen.getByRole('button', { name: `Copy ${label}` })).toBeInTheDocument()
    }
  })
})

describe('issuing a webhook key', () => {
  it('shows the key once, with a warning, and forgets it when closed', async () => {
    const issued = 'whk_9f8e7d6c5b4a39281706f5e4d3c2b1a0'
    const { user: u, queryClient } = page(
      [on('post', '/api/v1/settings/cloudonix/webhook-key', () => ({ webhook_key: issued }))],
      settings({ webhook_bearer_issued: true }),
    )
    await heading('Cloudonix')
    await u.click(screen.getByRole('button', { name: 'Issue a webhook key' }))
    const dialog = await screen.findByRole('alertdialog')
    expect(within(dialog).getByText(/current key stops working at once/)).toBeInTheDocument()
    await u.click(within(dialog).getByRole('button', { name: 'Issue key' }))

    expect(await screen.findByLabelText('New webhook key')).toHaveValue(issued)
    expect(screen.getByText(/it is shown only once/)).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Copy New webhook key' })).toBeInTheDocument()
    // Nowhere but on the screen: not cached, not in the URL.
    expect(cached(queryClient)).not.toContain(issued)
    expect(window.location.href).not.toContain(issued)

    await u.click(screen.getByRole('button', { name: 'I have copied it' }))
    await waitFor(() => expect(screen.queryByLabelText('New webhook key')).not.toBeInTheDocument())
    expect(document.body.innerHTML).not.toContain(issued)
  })
})

describe('provisioning', () => {
  function job(state: JobView['state'], steps: Schemas['Step'][], fields: Partial<JobView> = {}): JobView {
    return {
      id: jobId,
      kind: 'provision',
      state,
      attempts: 1,
      run_after: at,
      created_at: at,
      updated_at: at,
      report: { ok: !steps.some((s) => s.status === 'failed'), steps, subscribers_total: 1 },
      ...fields,
    }
  }
  const jobId = id()
  const all: Schemas['Step'][] = [
    { step: 'check_domain', status: 'unchanged' },
    { step: 'voice_application', status: 'created', cloudonix_id: '77' },
    { step: 'default_application', status: 'updated' },
    { step: 'domain_profile', status: 'updated' },
    { step: 'subscriber', status: 'created', target: '301' },
    { step: 'save_settings', status: 'updated' },
  ]

  it('starts a job and follows its steps until they are done', async () => {
    const answers = [job('running', all.slice(0, 2)), job('done', all)]
    const { user: u, router } = page([
      on('post', '/api/v1/settings/cloudonix/provision', () =>
        HttpResponse.json(job('pending', []), { status: 202 }),
      ),
      on('get', '/api/v1/jobs/{id}', () => (answers.length > 1 ? answers.shift()! : answers[0]!)),
    ])
    await heading('Cloudonix')
    await u.click(screen.getByRole('button', { name: 'Provision' }))
    const steps = await screen.findByRole('list', { name: 'Provisioning steps' })
    await waitFor(() => expect(router.state.location.search).toEqual({ job: jobId }))
    await waitFor(() =>
      expect(within(steps).getAllByRole('listitem')[2]).toHaveAttribute('data-state', 'running'),
    )
    await waitFor(
      () =>
        expect(
          within(screen.getByRole('list', { name: 'Provisioning steps' }))
            .getAllByRole('listitem')
            .map((li) => li.dataset.state),
        ).toEqual(['done', 'done', 'done', 'done', 'done', 'done']),
      { timeout: 5000 },
    )
    expect(screen.getByText('1 of 1')).toBeInTheDocument()
  })

  it('shows why a job gave up and retries it', async () => {
    const retried: string[] = []
    let current = job(
      'failed',
      [{ step: 'check_domain', status: 'failed', detail: 'Cloudonix refused the API key (401)' }],
      { attempts: 5, last_error: 'Cloudonix could not be reached' },
    )
    const { user: u } = renderApp({
      role: 'owner',
      url: `/settings/cloudonix?job=${jobId}`,
      handlers: [
        on('get', '/api/v1/settings/cloudonix', () => settings()),
        on('get', '/api/v1/settings/cloudonix/urls', () => urls),
        on('get', '/api/v1/jobs/{id}', () => current),
        on('post', '/api/v1/jobs/{id}/retry', ({ params }) => {
          retried.push(params.id!)
          current = job('pending', [], { attempts: 0 })
          return HttpResponse.json(current, { status: 202 })
        }),
      ],
    })
    expect(await screen.findByText(/Gave up: Cloudonix could not be reached/)).toBeInTheDocument()
    expect(screen.getByText('Cloudonix refused the API key (401)')).toBeInTheDocument()
    await u.click(screen.getByRole('button', { name: 'Retry provisioning' }))
    await waitFor(() => expect(retried).toEqual([jobId]))
    expect(await screen.findByText('Queued')).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Retry provisioning' })).not.toBeInTheDocument()
  })
})

describe('the domain sync', () => {
  it('says when Cloudonix refused the saved settings, and retries the job', async () => {
    const retried: string[] = []
    const syncJob = id()
    const { user: u } = page(
      [
        on('post', '/api/v1/jobs/{id}/retry', ({ params }) => {
          retried.push(params.id!)
          const queued: JobView = {
            id: syncJob,
            kind: 'sync_domain',
            state: 'pending',
            attempts: 0,
            run_after: at,
            created_at: at,
            updated_at: at,
          }
          return HttpResponse.json(queued, { status: 202 })
        }),
      ],
      settings({ cloudonix_sync: { state: 'failed', error: 'Cloudonix answered 503', job_id: syncJob } }),
    )
    expect(await screen.findByText('Sync failed')).toBeInTheDocument()
    expect(screen.getByText('Cloudonix answered 503')).toBeInTheDocument()
    await u.click(screen.getByRole('button', { name: 'Retry' }))
    await waitFor(() => expect(retried).toEqual([syncJob]))
  })
})
