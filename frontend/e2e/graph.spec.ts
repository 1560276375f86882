import { expect, type Page, test } from '@playwright/test'
import { accounts, expectAccessible, mainHeading, signedIn } from './support'

// The call-flow graph of a number against the real routing: a new number → new business hours
// (open: the reception menu, closed: the front desk's voicemail, Christmas: the front office) →
// the menu → the front office group. Its graph, a click through to a node's form and what routes
// there, the same graph from a simulation of the number, in light, dark and at phone width.

test.describe.configure({ mode: 'serial' })

const NUMBER = '+12125550177'
let numberId = ''

async function post<T>(page: Page, path: string, data: unknown): Promise<T> {
  const answer = await page.request.post(path, {
    data,
    headers: { Authorization: `Bearer ${accounts().tokens.owner.token}` },
  })
  expect(answer.status(), await answer.text()).toBe(201)
  return (await answer.json()) as T
}

async function openGraph(page: Page) {
  await page.goto(`/phone-numbers/${numberId}/graph`)
  await expect(mainHeading(page)).toHaveText(`Call flow of ${NUMBER} · Graph line`)
  await expect(page.locator('[data-loading]')).toHaveCount(0)
  return page.getByRole('list', { name: 'Call flow, step by step' })
}

test('a number’s graph draws its hours, menu and group, and each step opens its form', async ({ page }) => {
  const { extensions, ivrMenu, ringGroup } = accounts()
  await signedIn(page, 'owner')
  const hours = await post<{ id: string }>(page, '/api/v1/business-hours', {
    name: 'Graph hours',
    timezone: 'America/New_York',
    open: { type: 'ivr_menu', id: ivrMenu },
    closed: { type: 'voicemail', id: extensions.theirs },
    ranges: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start_minute: 9 * 60, end_minute: 17 * 60 })),
    exceptions: [
      {
        name: 'Christmas',
        mode: 'closed',
        start_date: '2026-12-25',
        end_date: '2026-12-25',
        destination: { type: 'ring_group', id: ringGroup },
      },
    ],
  })
  numberId = (
    await post<{ id: string }>(page, '/api/v1/phone-numbers', {
      number: NUMBER,
      label: 'Graph line',
      destination: { type: 'business_hours', id: hours.id },
    })
  ).id

  // From the number's own page.
  await page.goto(`/phone-numbers/${numberId}`)
  await expect(mainHeading(page)).toHaveText(`${NUMBER} · Graph line`)
  await page.getByRole('link', { name: 'Call-flow graph' }).click()
  await expect(mainHeading(page)).toHaveText(`Call flow of ${NUMBER} · Graph line`)
  const steps = page.getByRole('list', { name: 'Call flow, step by step' })
  for (const step of [
    'Business hours Graph hours',
    'IVR menu Reception menu',
    'Ring group Front office',
    'Voicemail 302 Front desk',
    'Conference room Board room',
    'Extension 301 Paula desk',
  ]) {
    await expect(steps.getByRole('link', { name: step })).toBeVisible()
  }
  const hoursWays = page.getByRole('list', { name: 'Ways out of Graph hours' })
  await expect(hoursWays).toContainText('open → IVR menu Reception menu')
  await expect(hoursWays).toContainText("holiday 'Christmas' (2026-12-25) → Ring group Front office")
  const menuWays = page.getByRole('list', { name: 'Ways out of Reception menu' })
  await expect(menuWays).toContainText('press 1 (Front office) → Ring group Front office')
  await expect(menuWays).toContainText('press 2 (Board room) → Conference room Board room')
  // Each object once, however many ways lead to it (the hours and the menu both reach the group).
  await expect(steps.getByRole('link', { name: 'Ring group Front office' })).toHaveCount(1)

  // Click through to a node's form, which says what routes there.
  await steps.getByRole('link', { name: 'IVR menu Reception menu' }).click()
  await expect(mainHeading(page)).toHaveText('Reception menu')
  await expect(page).toHaveURL(new RegExp(`/ivr-menus/${ivrMenu}$`))
  const routesHere = page.getByRole('region', { name: 'Routes here' })
  await expect(routesHere.getByRole('link', { name: 'Graph hours' })).toBeVisible()
  await routesHere.getByRole('link', { name: 'Graph hours' }).click()
  await expect(mainHeading(page)).toHaveText('Graph hours')
  await expect(page.getByRole('region', { name: 'Routes here' })).toContainText('Phone number Graph line')
})

test('a simulation of the number opens the same graph', async ({ page }) => {
  await signedIn(page, 'owner')
  await page.goto(`/simulator?to=${encodeURIComponent(NUMBER)}&date=2026-12-25&time=10:00`)
  const steps = page.getByRole('list', { name: 'Steps' })
  await expect(steps).toContainText("holiday 'Christmas' (2026-12-25)")
  await expect(steps).toContainText('Front office')
  await page.getByRole('link', { name: 'Open in call-flow graph' }).click()
  await expect(mainHeading(page)).toHaveText(`Call flow of ${NUMBER} · Graph line`)
  await expect(page).toHaveURL(new RegExp(`/phone-numbers/${numberId}/graph$`))
})

for (const theme of ['light', 'dark'] as const) {
  test(`the graph in ${theme}: screenshot and accessibility`, async ({ page }) => {
    await signedIn(page, 'owner', theme)
    await openGraph(page)
    await page.screenshot({ path: `test-results/screenshots/${theme}/call-flow.png`, fullPage: true })
    await expectAccessible(page)
  })
}

test.describe('phone width', () => {
  test.use({ viewport: { width: 390, height: 844 } })

  test('the graph scrolls inside its card, the page does not', async ({ page }) => {
    await signedIn(page, 'owner')
    const steps = await openGraph(page)
    await expect(steps.getByRole('link', { name: 'Business hours Graph hours' })).toBeVisible()
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    expect(width).toBeLessThanOrEqual(390)
    await page.screenshot({ path: 'test-results/screenshots/phone/call-flow.png', fullPage: true })
    await expectAccessible(page)
  })
})
