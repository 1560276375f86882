import { expect, type Page, test } from '@playwright/test'
import { accounts, expectAccessible, mainHeading, signedIn, type Who } from './support'

// Every screen, in light and dark: a screenshot kept under test-results/screenshots (look at them
// after a UI change) and an axe scan that fails on serious or critical findings.

interface Screen {
  name: string
  path: () => string
  heading: string | RegExp
  who?: Who
  /** Something to do before the screenshot (open a dialog, fail a form, …). */
  act?: (page: Page) => Promise<void>
}

const screens: Screen[] = [
  { name: 'overview', path: () => '/', heading: /^Hello, / },
  { name: 'extensions', path: () => '/extensions', heading: 'Extensions' },
  { name: 'extension-new', path: () => '/extensions/new', heading: 'New extension' },
  {
    name: 'extension-new-invalid',
    path: () => '/extensions/new',
    heading: 'New extension',
    act: async (page) => {
      await page.getByLabel('Number', { exact: true }).fill('1')
      await page.getByRole('button', { name: 'Create extension' }).click()
      await expect(page.getByText('must have between 2 and 8 digits')).toBeVisible()
    },
  },
  {
    name: 'extension-edit',
    path: () => `/extensions/${accounts().extensions.theirs}`,
    heading: '302 · Front desk',
  },
  {
    name: 'extension-delete-refused',
    path: () => `/extensions/${accounts().extensions.theirs}`,
    heading: '302 · Front desk',
    act: async (page) => {
      await page.getByRole('button', { name: 'Delete' }).click()
      await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click()
      await expect(page.getByRole('alertdialog')).toContainText('Change these first')
    },
  },
  { name: 'phone-numbers', path: () => '/phone-numbers', heading: 'Phone numbers' },
  { name: 'phone-number-new', path: () => '/phone-numbers/new', heading: 'Add phone number' },
  { name: 'phone-number-edit', path: () => `/phone-numbers/${accounts().phoneNumber}`, heading: /Reception/ },
  { name: 'users', path: () => '/users', heading: 'Users' },
  { name: 'user-new', path: () => '/users/new', heading: 'New user' },
  { name: 'user-edit', path: () => `/users/${accounts().users.pbx_user}`, heading: 'Paula' },
  { name: 'organization', path: () => '/settings/organization', heading: 'Organization' },
  {
    name: 'organization-forwarding-prefixes',
    path: () => '/settings/organization',
    heading: 'Organization',
    act: async (page) => {
      await page
        .getByLabel('Forwarding to outside numbers')
        .selectOption({ label: 'Only to numbers starting with listed prefixes' })
      await page.getByRole('button', { name: 'Add a prefix' }).click()
      await page.getByRole('button', { name: 'Save changes' }).click()
      await expect(page.getByText('must be + and 1 to 15 digits, e.g. +1212')).toBeVisible()
      // The failed field took the focus and scrolled; a full-page shot wants the top.
      await page.evaluate(() => window.scrollTo(0, 0))
    },
  },
  { name: 'profile', path: () => '/profile', heading: 'Profile' },
  { name: 'ring-groups', path: () => '/ring-groups', heading: 'Ring groups' },
  { name: 'ring-group-new', path: () => '/ring-groups/new', heading: 'New ring group' },
  { name: 'ring-group-edit', path: () => `/ring-groups/${accounts().ringGroup}`, heading: 'Front office' },
  { name: 'business-hours', path: () => '/business-hours', heading: 'Business hours' },
  { name: 'business-hours-new', path: () => '/business-hours/new', heading: 'New schedule' },
  {
    name: 'business-hours-edit',
    path: () => `/business-hours/${accounts().businessHours}`,
    heading: 'Main office',
    act: async (page) => {
      await expect(page.getByText(/^(Open|Closed) now$/)).toBeVisible()
    },
  },
  {
    name: 'business-hours-invalid',
    path: () => '/business-hours/new',
    heading: 'New schedule',
    act: async (page) => {
      await page.getByRole('button', { name: 'Add a holiday' }).click()
      await page.getByRole('button', { name: 'Create schedule' }).click()
      await expect(page.getByText('is required').first()).toBeVisible()
    },
  },
  { name: 'ivr-menus', path: () => '/ivr-menus', heading: 'IVR menus' },
  { name: 'ivr-menu-new', path: () => '/ivr-menus/new', heading: 'New IVR menu' },
  { name: 'ivr-menu-edit', path: () => `/ivr-menus/${accounts().ivrMenu}`, heading: 'Reception menu' },
  { name: 'conference-rooms', path: () => '/conference-rooms', heading: 'Conference rooms' },
  { name: 'conference-room-new', path: () => '/conference-rooms/new', heading: 'New conference room' },
  {
    name: 'conference-room-edit',
    path: () => `/conference-rooms/${accounts().conferenceRoom}`,
    heading: 'Board room',
  },
  { name: 'outbound-routes', path: () => '/outbound-routes', heading: 'Outbound routes' },
  {
    name: 'outbound-routes-test',
    path: () => '/outbound-routes',
    heading: 'Outbound routes',
    act: async (page) => {
      await page.getByLabel('Dialled number').fill('2125550123')
      await page.getByRole('button', { name: 'Test' }).click()
      await expect(page.getByText("outbound route 'North America' dials +12125550123")).toBeVisible()
    },
  },
  { name: 'outbound-route-new', path: () => '/outbound-routes/new', heading: 'New outbound route' },
  {
    name: 'outbound-route-edit',
    path: () => `/outbound-routes/${accounts().outboundRoute}`,
    heading: 'North America',
    act: async (page) => {
      await page.getByText('How to write a match').click()
    },
  },
  { name: 'live', path: () => '/live', heading: 'Live calls' },
  { name: 'call-logs', path: () => '/call-logs', heading: 'Call history' },
  { name: 'voicemail', path: () => '/voicemail', heading: 'Voicemail' },
  { name: 'simulator', path: () => '/simulator', heading: 'Routing simulator' },
  { name: 'cloudonix', path: () => '/settings/cloudonix', heading: 'Cloudonix' },
  { name: 'audit-log', path: () => '/audit-log', heading: 'Audit log' },
  {
    name: 'not-found',
    path: () => '/extensions/0190a1b2-0000-7000-8000-ffffffffffff',
    heading: 'Not found in your organization',
  },
  {
    name: 'pbx-user-own-extension',
    who: 'pbx_user',
    path: () => `/extensions/${accounts().extensions.mine}`,
    heading: '301 · Paula desk',
  },
  { name: 'reporter-overview', who: 'reporter', path: () => '/', heading: /^Hello, / },
  {
    name: 'reporter-forbidden',
    who: 'reporter',
    path: () => '/extensions',
    heading: 'Not available for your role',
  },
]

for (const theme of ['light', 'dark'] as const) {
  test.describe(`${theme} theme`, () => {
    test('sign-in', async ({ page }) => {
      await page.addInitScript((t) => localStorage.setItem('opbx.theme', t), theme)
      await page.goto('/login')
      await expect(mainHeading(page)).toHaveText('Sign in to OpBX')
      await page.screenshot({ path: `test-results/screenshots/${theme}/sign-in.png` })
      await expectAccessible(page)
    })

    for (const s of screens) {
      test(s.name, async ({ page }) => {
        await signedIn(page, s.who ?? 'owner', theme)
        await page.goto(s.path())
        await expect(mainHeading(page)).toHaveText(s.heading)
        await expect(page.locator('html')).toHaveClass(theme === 'dark' ? /dark/ : /^(?!.*dark)/)
        // Wait for lists and names to load rather than shooting skeletons.
        await expect(page.locator('[data-loading]')).toHaveCount(0)
        await expect(page.getByText('…', { exact: true })).toHaveCount(0)
        await s.act?.(page)
        await page.screenshot({ path: `test-results/screenshots/${theme}/${s.name}.png`, fullPage: true })
        await expectAccessible(page)
      })
    }
  })
}

test.describe('phone width', () => {
  test.use({ viewport: { width: 390, height: 844 } })

  test('navigation opens as a sheet and the lists fit', async ({ page }) => {
    await signedIn(page, 'owner')
    await page.goto('/phone-numbers')
    await expect(mainHeading(page)).toHaveText('Phone numbers')
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeHidden()
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    expect(width).toBeLessThanOrEqual(390)
    await page.screenshot({ path: 'test-results/screenshots/phone/phone-numbers.png', fullPage: true })
    await page.getByRole('button', { name: 'Open navigation' }).click()
    const nav = page.getByRole('dialog').getByRole('navigation', { name: 'Main' })
    await expect(nav).toBeVisible()
    await page.screenshot({ path: 'test-results/screenshots/phone/navigation.png' })
    await expectAccessible(page)
    await nav.getByRole('link', { name: 'Extensions' }).click()
    await expect(mainHeading(page)).toHaveText('Extensions')
    await expect(page.getByRole('dialog')).toHaveCount(0)
    await page.screenshot({ path: 'test-results/screenshots/phone/extensions.png', fullPage: true })
    await page.goto(`/extensions/${accounts().extensions.theirs}`)
    await expect(mainHeading(page)).toHaveText('302 · Front desk')
    await page.screenshot({ path: 'test-results/screenshots/phone/extension-edit.png', fullPage: true })

    for (const [name, path, heading] of [
      ['business-hours-edit', `/business-hours/${accounts().businessHours}`, 'Main office'],
      ['ivr-menu-edit', `/ivr-menus/${accounts().ivrMenu}`, 'Reception menu'],
      ['outbound-routes', '/outbound-routes', 'Outbound routes'],
    ] as const) {
      await page.goto(path)
      await expect(mainHeading(page)).toHaveText(heading)
      await expect(page.locator('[data-loading]')).toHaveCount(0)
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
      await page.screenshot({ path: `test-results/screenshots/phone/${name}.png`, fullPage: true })
    }
  })
})
