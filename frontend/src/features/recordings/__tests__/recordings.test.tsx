import { screen, waitFor, within } from '@testing-library/react'
import { HttpResponse, http } from 'msw'
import { describe, expect, it } from 'vitest'
import type { Schemas } from '@/api/client'
import { id, recording } from '@/testing/fixtures'
import { on, page, problem } from '@/testing/http'
import { heading, renderApp } from '@/testing/render'

const menuId = id()
const welcome = recording({ name: 'Welcome', duration_ms: 65_000, size_bytes: 1_040_000 })
const wavBytes = () =>
  new Uint8Array(
    [...'RIFF']
      .map((c) => c.charCodeAt(0))
      .concat(
        [36, 0, 0, 0],
        [...'WAVE'].map((c) => c.charCodeAt(0)),
        new Array(32).fill(0),
      ),
  )

/** The upload endpoint, reading the multipart form as the server would. */
function uploads(answer: (form: FormData) => Response) {
  const seen: FormData[] = []
  const handler = http.post(new URL('/api/v1/recordings', location.origin).href, async ({ request }) => {
    const form = await request.formData()
    seen.push(form)
    return answer(form)
  })
  return { seen, handler }
}

describe('Recordings', () => {
  it('list their length, size and format; a file that is not audio is refused before it is sent', async () => {
    const created = recording({ name: 'Night greeting' })
    const list: Schemas['RecordingView'][] = [welcome]
    const upload = uploads(() => {
      list.push(created)
      return HttpResponse.json(created, { status: 201 })
    })
    const { user: u } = renderApp({
      url: '/recordings',
      handlers: [
        on('get', '/api/v1/recordings', () => page(list)),
        upload.handler,
        on('get', '/api/v1/routing/references/{type}/{id}', ({ params }) => ({
          data:
            params.type === 'recording' && params.id === welcome.id
              ? [{ object_type: 'ivr_menu', id: menuId, name: 'Main menu' }]
              : [],
        })),
      ],
    })
    await heading('Recordings')
    const table = await screen.findByRole('table', { name: 'Recordings' })
    const row = within(table).getByRole('row', { name: /Welcome/ })
    expect(row).toHaveTextContent('WAV')
    expect(row).toHaveTextContent('1:05')
    expect(row).toHaveTextContent('1.0 MB')
    expect(await within(row).findByRole('link', { name: 'Main menu' })).toHaveAttribute(
      'href',
      `/ivr-menus/${menuId}`,
    )

    await u.click(screen.getByRole('button', { name: 'Upload recording' }))
    const dialog = await screen.findByRole('dialog', { name: 'Upload recording' })
    const input = within(dialog).getByLabelText('Audio file')
    await u.upload(input, new File(['not audio at all'], 'greeting.wav', { type: 'audio/wav' }))
    await u.click(within(dialog).getByRole('button', { name: 'Upload' }))
    expect(await within(dialog).findByText('is neither WAV nor MP3 audio')).toBeInTheDocument()
    expect(upload.seen).toHaveLength(0)

    await u.upload(input, new File([wavBytes()], 'night.wav', { type: 'audio/wav' }))
    await u.type(within(dialog).getByLabelText('Name'), 'Night greeting')
    await u.click(within(dialog).getByRole('button', { name: 'Upload' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument())
    expect(upload.seen).toHaveLength(1)
    expect(upload.seen[0]!.get('name')).toBe('Night greeting')
    // jsdom's XMLHttpRequest does not carry a File's bytes; the browser test checks them arrive.
    expect(upload.seen[0]!.has('file')).toBe(true)
    const added = await within(table).findByRole('row', { name: /Night greeting/ })
    expect(await within(added).findByText('Nothing')).toBeInTheDocument()
  })

  it("show the server's verdict on the file, and a refused delete names what plays it", async () => {
    const upload = uploads(() =>
      problem(422, {
        title: 'Invalid input',
        errors: [{ field: 'file', message: 'lasts 700 s; a recording may last at most 10 minutes' }],
      }),
    )
    const { user: u } = renderApp({
      url: '/recordings',
      handlers: [
        on('get', '/api/v1/recordings', () => page([welcome])),
        upload.handler,
        on('delete', '/api/v1/recordings/{id}', () =>
          problem(409, {
            title: 'Conflict',
            detail: 'The recording is in use.',
            references: [{ object_type: 'ivr_menu', id: welcome.id, name: 'Main menu' }],
          }),
        ),
      ],
    })
    await heading('Recordings')
    await u.click(screen.getByRole('button', { name: 'Upload recording' }))
    const dialog = await screen.findByRole('dialog', { name: 'Upload recording' })
    await u.upload(within(dialog).getByLabelText('Audio file'), new File([wavBytes()], 'long.wav'))
    await u.click(within(dialog).getByRole('button', { name: 'Upload' }))
    expect(
      await within(dialog).findByText('lasts 700 s; a recording may last at most 10 minutes'),
    ).toBeInTheDocument()
    expect(within(dialog).getByLabelText('Audio file')).toHaveAttribute('aria-invalid', 'true')
    await u.keyboard('{Escape}')

    await u.click(await screen.findByRole('button', { name: 'Delete recording Welcome' }))
    const confirm = await screen.findByRole('alertdialog')
    await u.click(within(confirm).getByRole('button', { name: 'Delete' }))
    expect(await within(confirm).findByText('It is still in use. Change these first:')).toBeInTheDocument()
    expect(within(confirm).getByRole('link', { name: 'Main menu' })).toHaveAttribute(
      'href',
      `/ivr-menus/${welcome.id}`,
    )
  })

  it('are renamed, with a taken name shown on the field', async () => {
    const { user: u } = renderApp({
      url: '/recordings',
      handlers: [
        on('get', '/api/v1/recordings', () => page([welcome])),
        on('patch', '/api/v1/recordings/{id}', ({ body }) =>
          body.name === 'Hold'
            ? problem(409, { title: 'Conflict', errors: [{ field: 'name', message: 'is already taken' }] })
            : { ...welcome, name: body.name ?? welcome.name },
        ),
      ],
    })
    await heading('Recordings')
    await u.click(await screen.findByRole('button', { name: 'Rename recording Welcome' }))
    const dialog = await screen.findByRole('dialog', { name: 'Rename recording' })
    const name = within(dialog).getByLabelText('Name')
    await u.clear(name)
    await u.type(name, 'Hold')
    await u.click(within(dialog).getByRole('button', { name: 'Rename' }))
    expect(await within(dialog).findByText('is already taken')).toBeInTheDocument()
    await u.clear(name)
    await u.type(name, 'Front desk greeting')
    await u.click(within(dialog).getByRole('button', { name: 'Rename' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument())
  })

  it('are listed to a PBX user, who may neither upload nor change them', async () => {
    renderApp({
      url: '/recordings',
      role: 'pbx_user',
      handlers: [on('get', '/api/v1/recordings', () => page([welcome]))],
    })
    await heading('Recordings')
    expect(await screen.findByRole('row', { name: /Welcome/ })).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Upload recording' })).not.toBeInTheDocument()
    expect(screen.queryByRole('button', { name: /Delete/ })).not.toBeInTheDocument()
  })
})
