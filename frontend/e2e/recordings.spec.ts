import { type APIRequestContext, expect, type Page, test } from '@playwright/test'
import { playsTheTone, toneWav } from './audio'
import { Cloudonix, newCall } from './cloudonix'
import { accounts, expectAccessible, mainHeading, signedIn } from './support'

// A greeting as a new admin would set it up: uploaded (and played) on the recordings screen, put
// on an IVR menu, and heard by a caller of the menu's number: the menu's CXML plays a signed link
// that works without a login (and not once altered), which the browser plays. The same recording then
// plays in an announcement, as a mailbox's greeting and as a conference room's hold music, and
// the recordings screen says so.

const GREETING = 'Front desk greeting'
const MENU = 'Greeting menu'
const ANNOUNCEMENT = 'Recorded calls'
const owner = () => ({ Authorization: `Bearer ${accounts().tokens.owner.token}` })

test.describe.configure({ mode: 'serial' })

async function openUpload(page: Page) {
  await page.getByRole('button', { name: 'Upload recording' }).click()
  return page.getByRole('dialog', { name: 'Upload recording' })
}

/** A number of the organization routed to `destination`, made by the owner. */
async function numberFor(
  request: APIRequestContext,
  destination: { type: string; id: string },
): Promise<string> {
  const number = `+1646555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`
  const res = await request.post('/api/v1/phone-numbers', {
    headers: owner(),
    data: { number, label: 'Greeting line', destination },
  })
  expect(res.ok(), await res.text()).toBe(true)
  return number
}

/** Made by the owner through the API; answers the new object's id. */
async function made(request: APIRequestContext, path: string, data: object): Promise<string> {
  const res = await request.post(path, { headers: owner(), data })
  expect(res.ok(), await res.text()).toBe(true)
  return ((await res.json()) as { id: string }).id
}

/** The signed link the CXML answering a call to `number` plays. */
async function playedFor(request: APIRequestContext, number: string): Promise<string> {
  const cloudonix = await Cloudonix.connect(request)
  const xml = await cloudonix.answer(newCall(number))
  const url = /<Play>([^<]+)<\/Play>/.exec(xml)?.[1]?.replace(/&amp;/g, '&')
  expect(url, xml).toMatch(new RegExp(`^${process.env.BASE_URL}/media/[^/]+$`))
  return url!
}

let menuId = ''
let announcementId = ''

test('a greeting is uploaded, refused when it is no audio, and put on a menu', async ({ page }) => {
  await signedIn(page, 'owner')
  await page.goto('/recordings')
  await expect(mainHeading(page)).toHaveText('Recordings')

  // Checked in the browser before anything is sent: text named .wav.
  let dialog = await openUpload(page)
  const file = dialog.getByLabel('Audio file')
  await file.setInputFiles({ name: 'greeting.wav', mimeType: 'audio/wav', buffer: Buffer.from('hello') })
  await dialog.getByRole('button', { name: 'Upload' }).click()
  await expect(dialog.getByText('is neither WAV nor MP3 audio')).toBeVisible()
  await expect(file).toHaveAttribute('aria-invalid', 'true')
  // Looks like a WAV, but the server finds no audio in it: its 422 lands on the same field.
  const hollow = Buffer.concat([toneWav().subarray(0, 12), Buffer.alloc(32)])
  await file.setInputFiles({ name: 'hollow.wav', mimeType: 'audio/wav', buffer: hollow })
  await dialog.getByRole('button', { name: 'Upload' }).click()
  await expect(dialog.getByText('the WAV file has no data chunk')).toBeVisible()

  await file.setInputFiles({ name: 'greeting.wav', mimeType: 'audio/wav', buffer: toneWav() })
  await dialog.getByLabel('Name').fill(GREETING)
  await dialog.getByRole('button', { name: 'Upload' }).click()
  await expect(dialog).toHaveCount(0)
  const row = page.getByRole('row').filter({ hasText: GREETING })
  await expect(row).toContainText('WAV')
  await expect(row).toContainText('0:01')
  await expect(row).toContainText('16 KB')

  // It plays on the screen, from the API with the session's token: one second of tone.
  await row.getByRole('button', { name: `Play Recording ${GREETING}` }).click()
  const audio = row.locator('audio')
  await expect(audio).toHaveAttribute('src', /^blob:/)
  await playsTheTone(audio)

  // Renamed and named back: the list follows.
  await row.getByRole('button', { name: `Rename recording ${GREETING}` }).click()
  dialog = page.getByRole('dialog', { name: 'Rename recording' })
  await dialog.getByLabel('Name').fill('Old greeting')
  await dialog.getByRole('button', { name: 'Rename' }).click()
  await expect(page.getByRole('row').filter({ hasText: 'Old greeting' })).toBeVisible()
  await page.getByRole('button', { name: 'Rename recording Old greeting' }).click()
  await dialog.getByLabel('Name').fill(GREETING)
  await dialog.getByRole('button', { name: 'Rename' }).click()
  await expect(row).toBeVisible()

  await page.goto('/ivr-menus/new')
  await expect(mainHeading(page)).toHaveText('New IVR menu')
  await page.getByLabel('Name', { exact: true }).fill(MENU)
  await page.getByLabel('Greeting').selectOption('An uploaded recording')
  await page.getByLabel('Recording', { exact: true }).selectOption(`${GREETING} (0:01)`)
  await page.getByRole('button', { name: 'Create menu' }).click()
  await expect(mainHeading(page)).toHaveText(MENU)
  menuId = new URL(page.url()).pathname.split('/').pop()!
  await expect(page.getByLabel('Recording', { exact: true })).toHaveValue(/^[0-9a-f-]{36}$/)
})

test('a caller of the menu hears the greeting through a signed link that needs no login', async ({
  playwright,
  page,
}) => {
  const request = await playwright.request.newContext({ baseURL: process.env.BASE_URL })
  const url = await playedFor(request, await numberFor(request, { type: 'ivr_menu', id: menuId }))
  await request.dispose()

  // Fetched as Cloudonix fetches it: no session, no token.
  const stranger = await playwright.request.newContext()
  const answer = await stranger.get(url)
  expect(answer.status()).toBe(200)
  expect(answer.headers()['content-type']).toBe('audio/wav')
  expect(Buffer.compare(await answer.body(), toneWav())).toBe(0)
  // One character changed in the signature: refused.
  const last = url.at(-1) === 'A' ? 'B' : 'A'
  expect((await stranger.get(url.slice(0, -1) + last)).status()).toBe(403)
  await stranger.dispose()

  // And a browser, signed in to nothing, plays it through: one second of tone.
  await page.goto('/login')
  const played = await page.evaluate(async (src) => {
    const audio = new Audio(src)
    audio.muted = true
    await audio.play()
    await new Promise((done) => audio.addEventListener('ended', done, { once: true }))
    return { duration: Math.round(audio.duration), error: audio.error }
  }, url)
  expect(played).toEqual({ duration: 1, error: null })
})

test('the greeting plays in an announcement, as a mailbox greeting and as hold music', async ({
  page,
  playwright,
}) => {
  const request = await playwright.request.newContext({ baseURL: process.env.BASE_URL })
  const extension = await made(request, '/api/v1/extensions', { number: '350', name: 'Greeted desk' })
  const room = await made(request, '/api/v1/conference-rooms', { name: 'Lobby room', number: '850' })
  await signedIn(page, 'owner')

  await page.goto('/announcements/new')
  await expect(mainHeading(page)).toHaveText('New announcement')
  await page.getByLabel('Name', { exact: true }).fill(ANNOUNCEMENT)
  await page.getByLabel('Recording', { exact: true }).selectOption(`${GREETING} (0:01)`)
  await page.getByLabel('Go to').selectOption('IVR menu')
  await page.getByRole('combobox', { name: 'IVR menu' }).selectOption(MENU)
  await page.getByRole('button', { name: 'Create announcement' }).click()
  await expect(mainHeading(page)).toHaveText(ANNOUNCEMENT)
  announcementId = new URL(page.url()).pathname.split('/').pop()!
  // A call to it plays the greeting from a signed link too.
  await playedFor(request, await numberFor(request, { type: 'announcement', id: announcementId }))
  await request.dispose()

  await page.goto(`/extensions/${extension}`)
  await expect(mainHeading(page)).toHaveText('350 · Greeted desk')
  await page.getByLabel('Greeting recording').selectOption(`${GREETING} (0:01)`)
  await page.getByRole('button', { name: 'Save changes' }).click()
  await expect(page.getByText('Changes saved')).toBeVisible()

  await page.goto(`/conference-rooms/${room}`)
  await expect(mainHeading(page)).toHaveText('Lobby room')
  await page.getByLabel('Hold music').selectOption(`${GREETING} (0:01)`)
  await page.getByRole('button', { name: 'Save changes' }).click()
  await expect(page.getByText('Changes saved')).toBeVisible()
  await page.reload()
  await expect(page.getByLabel('Hold music')).toHaveValue(/^[0-9a-f-]{36}$/)

  await page.goto('/recordings')
  const usedBy = page.getByRole('row').filter({ hasText: GREETING }).getByRole('listitem')
  await expect(usedBy).toHaveText([
    `Announcement ${ANNOUNCEMENT}`,
    'Conference room Lobby room',
    'Extension 350',
    `IVR menu ${MENU}`,
  ])
})

test('the recording cannot be deleted while the menu plays it', async ({ page }) => {
  await signedIn(page, 'owner')
  await page.goto('/recordings')
  await page.getByRole('button', { name: `Delete recording ${GREETING}` }).click()
  const confirm = page.getByRole('alertdialog')
  await confirm.getByRole('button', { name: 'Delete' }).click()
  await expect(confirm).toContainText('Change these first')
  await confirm.getByRole('link', { name: MENU }).click()
  await expect(mainHeading(page)).toHaveText(MENU)
})

for (const theme of ['light', 'dark'] as const) {
  test(`the screens in the ${theme} theme`, async ({ page }) => {
    await signedIn(page, 'owner', theme)
    const shot = async (name: string) => {
      await expect(page.locator('[data-loading]')).toHaveCount(0)
      await expect(page.getByText('…', { exact: true })).toHaveCount(0)
      await page.screenshot({ path: `test-results/screenshots/${theme}/${name}.png`, fullPage: true })
      await expectAccessible(page)
    }
    await page.goto('/recordings')
    await expect(page.getByRole('row').filter({ hasText: GREETING })).toBeVisible()
    await shot('recordings')

    const dialog = await openUpload(page)
    await dialog
      .getByLabel('Audio file')
      .setInputFiles({ name: 'notes.wav', mimeType: 'audio/wav', buffer: Buffer.from('not audio') })
    await dialog.getByRole('button', { name: 'Upload' }).click()
    await expect(dialog.getByText('is neither WAV nor MP3 audio')).toBeVisible()
    await shot('recording-upload-invalid')
    await page.keyboard.press('Escape')

    await page.getByRole('button', { name: `Delete recording ${GREETING}` }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click()
    await expect(page.getByRole('alertdialog')).toContainText('Change these first')
    await shot('recording-delete-refused')
    await page.keyboard.press('Escape')

    await page.goto(`/ivr-menus/${menuId}`)
    await expect(mainHeading(page)).toHaveText(MENU)
    await expect(page.getByLabel('Recording', { exact: true })).toHaveValue(/^[0-9a-f-]{36}$/)
    await shot('ivr-menu-recording')

    await page.goto('/announcements')
    await expect(page.getByRole('row').filter({ hasText: ANNOUNCEMENT })).toContainText(MENU)
    await shot('announcements')
    await page.goto(`/announcements/${announcementId}`)
    await expect(mainHeading(page)).toHaveText(ANNOUNCEMENT)
    await shot('announcement-edit')
    await page.goto('/announcements/new')
    await page.getByLabel('Message').selectOption('Spoken text')
    await page.getByRole('button', { name: 'Create announcement' }).click()
    await expect(page.getByText('is required: what callers hear')).toBeVisible()
    await page.evaluate(() => window.scrollTo(0, 0))
    await shot('announcement-new-invalid')
  })
}

test.describe('phone width', () => {
  test.use({ viewport: { width: 390, height: 844 } })

  test('the recordings, the menu and the announcement playing one fit', async ({ page }) => {
    await signedIn(page, 'owner')
    for (const [name, path, heading] of [
      ['recordings', '/recordings', 'Recordings'],
      ['ivr-menu-recording', `/ivr-menus/${menuId}`, MENU],
      ['announcements', '/announcements', 'Announcements'],
      ['announcement-edit', `/announcements/${announcementId}`, ANNOUNCEMENT],
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
