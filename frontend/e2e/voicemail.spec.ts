import { type APIRequestContext, expect, type Page, test } from '@playwright/test'
import { playsTheTone, toneWav } from './audio'
import { Cloudonix, newCall } from './cloudonix'
import { FAKE_API_KEY, FAKE_DOMAIN } from './fake-cloudonix-api'
import { accounts, expectAccessible, mainHeading, signedIn } from './support'

// Calls driven through the webhooks as Cloudonix sends them to a number that goes straight to
// Paula's mailbox: the messages appear in her inbox, play in the page, are marked heard and new
// and deleted; the dashboard counts the calls as hers.

/** Where the messages' recordings are: Cloudonix's storage as the browser would fetch it. */
const RECORDINGS = 'https://recordings.e2e.invalid'

/** The recording URLs answer the tone (the real ones are Cloudonix's, unreachable from here). */
async function serveRecordings(page: Page) {
  const wav = toneWav()
  await page.route(`${RECORDINGS}/**`, (route) =>
    route.fulfill({ status: 200, contentType: 'audio/wav', body: wav }),
  )
}

/** A number of the organization routed to Paula's mailbox (301), made by the owner. */
async function voicemailNumber(request: APIRequestContext): Promise<string> {
  const number = `+1312555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`
  const res = await request.post('/api/v1/phone-numbers', {
    headers: { Authorization: `Bearer ${accounts().tokens.owner.token}` },
    data: {
      number,
      label: 'Paula direct',
      destination: { type: 'voicemail', id: accounts().extensions.mine },
    },
  })
  expect(res.ok(), await res.text()).toBe(true)
  return number
}

/** A caller leaves a message of `seconds`: voice request → `<Record>` → recording callback → CDR. */
async function leaveMessage(cloudonix: Cloudonix, to: string, from: string, seconds: number) {
  const call = newCall(to, from)
  const action = await cloudonix.voice(call)
  await cloudonix.session(call, 'answer')
  await cloudonix.recording(action, call, `${RECORDINGS}/${call.sid}.wav`, seconds)
  await cloudonix.cdr(call, 'ANSWER', { duration: seconds + 6, billsec: seconds + 4 })
  return call
}

test.describe.configure({ mode: 'serial' })

let number = ''

test.beforeAll(async ({ playwright }) => {
  const request = await playwright.request.newContext({ baseURL: process.env.BASE_URL })
  number = await voicemailNumber(request)
  const cloudonix = await Cloudonix.connect(request)
  await leaveMessage(cloudonix, number, '+14155550601', 7)
  await leaveMessage(cloudonix, number, '+14155550602', 12)
  await request.dispose()
})

test('a message left by webhooks plays in the inbox, is marked heard and new, and is deleted', async ({
  page,
}) => {
  await serveRecordings(page)
  await signedIn(page, 'pbx_user')
  await page.goto('/voicemail')
  await expect(mainHeading(page)).toHaveText('Voicemail')
  const messages = page.getByRole('list', { name: 'Messages' })
  const message = messages.getByRole('listitem', { name: 'Message from +14155550601' })
  await expect(message).toContainText('New')
  await expect(message).toContainText('0:07')
  await expect(message).toContainText('mailbox 301 · Paula desk')
  await page.screenshot({ path: 'test-results/screenshots/light/voicemail-inbox.png', fullPage: true })
  await expectAccessible(page)

  // Playing: the audio element's source is the recording URL the API gives, here answered with a
  // one-second tone; the browser loads it, decodes it and plays it through.
  const audio = message.locator('audio')
  await expect(audio).toHaveAttribute('src', new RegExp(`^${RECORDINGS}/CA`))
  await playsTheTone(audio)
  // Listening marks it heard, on the server too: a reload shows it so.
  await expect(message).toContainText('Heard')
  await page.reload()
  await expect(message).toContainText('Heard')

  await message.getByRole('button', { name: 'Mark as new' }).click()
  await expect(message).toContainText('New')
  await message.getByRole('button', { name: 'Mark as heard' }).click()
  await expect(message).toContainText('Heard')

  await page.getByLabel('Show').selectOption('New only')
  await expect(page).toHaveURL(/show=new/)
  await expect(messages.getByRole('listitem')).toHaveCount(1)
  await expect(messages).toContainText('+14155550602')
  await page.getByLabel('Show').selectOption('All messages')

  await message.getByRole('button', { name: 'Delete message from +14155550601' }).click()
  const dialog = page.getByRole('alertdialog')
  await expect(dialog).toContainText('removed from the mailbox for good')
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(message).toBeVisible()
  await message.getByRole('button', { name: 'Delete message from +14155550601' }).click()
  await dialog.getByRole('button', { name: 'Delete message' }).click()
  await expect(message).toHaveCount(0)
  await page.reload()
  await expect(messages.getByRole('listitem', { name: 'Message from +14155550602' })).toBeVisible()
  await expect(message).toHaveCount(0)
})

test('a message plays from OpBX’s copy after Cloudonix has forgotten the recording', async ({
  page,
  playwright,
}) => {
  const request = await playwright.request.newContext({ baseURL: process.env.BASE_URL })
  const owner = { Authorization: `Bearer ${accounts().tokens.owner.token}` }
  // The copy job fetches with the domain's key: the organization is connected to the fake.
  const settings = await request.put('/api/v1/settings/cloudonix', {
    headers: owner,
    data: { domain: FAKE_DOMAIN, api_key: FAKE_API_KEY },
  })
  expect(settings.ok(), await settings.text()).toBe(true)
  const fake = `http://127.0.0.1:${process.env.FAKE_CLOUDONIX_PORT}/_fake/recordings`
  // A number of its own: the dashboard test counts the calls to the first one.
  const call = newCall(await voicemailNumber(request), '+14155550603')
  const kept = await request.put(`${fake}/${call.sid}.wav`, { data: toneWav() })
  expect(kept.status()).toBe(204)
  const cloudonix = await Cloudonix.connect(request)
  const action = await cloudonix.voice(call)
  await cloudonix.recording(action, call, `${fake}/${call.sid}.wav`, 1)

  // The job copies the audio in the background; then Cloudonix forgets it.
  const stored = async () => {
    const res = await request.get(`/api/v1/voicemail?extension=${accounts().extensions.mine}`, {
      headers: owner,
    })
    const { data } = (await res.json()) as { data: { call_sid: string; audio_stored: boolean }[] }
    return data.find((m) => m.call_sid === call.sid)?.audio_stored
  }
  await expect.poll(stored, { timeout: 30_000 }).not.toBeUndefined()
  await expect.poll(stored, { timeout: 30_000 }).toBe(true)
  expect((await request.delete(`${fake}/${call.sid}.wav`)).status()).toBe(204)
  expect((await request.get(`${fake}/${call.sid}.wav`)).status()).toBe(404)
  const list = await request.get(`/api/v1/voicemail?extension=${accounts().extensions.mine}`, {
    headers: owner,
  })
  const { data } = (await list.json()) as { data: { id: string; call_sid: string }[] }
  const id = data.find((m) => m.call_sid === call.sid)!.id
  const copy = await request.get(`/api/v1/voicemail/${id}/audio`, { headers: owner })
  expect(copy.headers()['content-type']).toBe('audio/wav')
  expect(Buffer.compare(await copy.body(), toneWav())).toBe(0)
  await request.dispose()

  await signedIn(page, 'pbx_user')
  await page.goto('/voicemail')
  const message = page
    .getByRole('list', { name: 'Messages' })
    .getByRole('listitem', { name: 'Message from +14155550603' })
  await message.getByRole('button', { name: /^Play Recording from \+14155550603/ }).click()
  const audio = message.locator('audio')
  await expect(audio).toHaveAttribute('src', /^blob:/)
  await playsTheTone(audio)
  await expect(message).toContainText('Heard')
})

test('the owner sees every mailbox; a reporter none', async ({ page }) => {
  await signedIn(page, 'owner', 'dark')
  await page.goto('/voicemail')
  const messages = page.getByRole('list', { name: 'Messages' })
  await expect(messages.getByRole('listitem', { name: 'Message from +14155550602' })).toBeVisible()
  await expect(page.getByLabel('Mailbox')).toContainText('302 · Front desk')
  await page.screenshot({ path: 'test-results/screenshots/dark/voicemail-inbox.png', fullPage: true })
  await expectAccessible(page)
})

test('the dashboard counts the calls to the mailbox as the extension’s', async ({ page }) => {
  for (const theme of ['light', 'dark'] as const) {
    await signedIn(page, 'owner', theme)
    await page.goto('/')
    await expect(mainHeading(page)).toHaveText(/^Hello, /)
    const numbers = page.getByRole('list', { name: 'Busiest numbers' })
    await expect(numbers.getByRole('listitem').filter({ hasText: number })).toContainText('2 calls')
    const extensions = page.getByRole('list', { name: 'Busiest extensions' })
    await expect(extensions.getByRole('listitem').filter({ hasText: '301 Paula desk' })).toContainText(
      /\d+ calls? · \d+ answered/,
    )
    const chart = page.getByRole('img', { name: /^Calls per hour/ })
    await expect(chart).toBeVisible()
    await expect(page.getByRole('term').filter({ hasText: 'Average talk' })).toBeVisible()
    await expect(page.locator('[data-loading]')).toHaveCount(0)
    await page.screenshot({ path: `test-results/screenshots/${theme}/dashboard.png`, fullPage: true })
    await expectAccessible(page)
  }
  await page.getByRole('button', { name: 'Last 7 days' }).click()
  await expect(page).toHaveURL(/from=\d{4}-\d\d-\d\d&to=/)
  await expect(page.getByRole('img', { name: /^Calls per day/ })).toBeVisible()
})

test.describe('phone width', () => {
  test.use({ viewport: { width: 390, height: 844 } })

  test('the dashboard and the inbox fit', async ({ page }) => {
    await serveRecordings(page)
    await signedIn(page, 'pbx_user')
    for (const [name, path, heading] of [
      ['dashboard', '/', /^Hello, /],
      ['voicemail-inbox', '/voicemail', 'Voicemail'],
    ] as const) {
      await page.goto(path)
      await expect(mainHeading(page)).toHaveText(heading)
      await expect(page.locator('[data-loading]')).toHaveCount(0)
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
      await page.screenshot({ path: `test-results/screenshots/phone/${name}.png`, fullPage: true })
      await expectAccessible(page)
    }
  })
})
