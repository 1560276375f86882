import { type Browser, expect, type Page, test } from '@playwright/test'
import { mailCount, mailedLink } from './mail'
import { expectAccessible, mainHeading } from './support'

// The tenant lifecycle as a self-hoster meets it: the operator `opbx-local operator add` made
// (scripts/e2e.sh) signs in, creates an organization, its owner follows the mailed invitation
// into an empty organization; suspending it stops the owner's API calls, reactivating restores
// them; the owner resets a forgotten password through the mailed link.

test.describe.configure({ mode: 'serial' })

const operator = { email: process.env.OPBX_E2E_OPERATOR!, password: process.env.OPBX_E2E_OPERATOR_PASSWORD! }
const owner = { email: 'gina@globex.test', name: 'Gina Globex', password: 'Teal-Lanterns-2026!' }
const orgName = 'Globex Dental'

async function shoot(page: Page, name: string, theme: 'light' | 'dark' | 'phone' = 'light') {
  await expect(page.locator('[data-loading]')).toHaveCount(0)
  // Toasts go by themselves; the screen is what is shot and scanned.
  await expect(page.locator('[data-sonner-toast]')).toHaveCount(0, { timeout: 15_000 })
  await page.screenshot({ path: `test-results/screenshots/${theme}/${name}.png`, fullPage: true })
  await expectAccessible(page)
}

/** A tab of its own (its own sessionStorage): the operator's and the owner's never mix. */
async function tab(browser: Browser, theme: 'light' | 'dark' = 'light') {
  const context = await browser.newContext()
  await context.addInitScript((t) => localStorage.setItem('opbx.theme', t), theme)
  return context.newPage()
}

async function operatorSignsIn(page: Page) {
  await page.goto('/platform')
  await expect(page).toHaveURL(/\/platform\/login\?next=%2Fplatform/)
  await expect(mainHeading(page)).toHaveText('OpBX platform')
  await page.getByLabel('Email').fill(operator.email)
  await page.getByLabel('Password').fill(operator.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(mainHeading(page)).toHaveText('Organizations')
}

let operatorPage: Page
let ownerPage: Page
let orgUrl = ''

test('an operator creates an organization; its owner accepts the mailed invitation into an empty organization', async ({
  browser,
}) => {
  operatorPage = await tab(browser)
  const page = operatorPage
  await operatorSignsIn(page)
  // The operator token opens no organization screen: that needs an organization user's sign-in.
  expect(await page.evaluate(() => sessionStorage.getItem('opbx.session'))).toBeNull()
  await shoot(page, 'platform-organizations')

  await page.getByRole('link', { name: 'New organization' }).first().click()
  await expect(mainHeading(page)).toHaveText('New organization')
  await page.getByRole('button', { name: 'Create and invite' }).click()
  await expect(page.getByText('must be an email address')).toBeVisible()
  await shoot(page, 'platform-organization-new-invalid')
  await page.getByLabel('Name').fill(orgName)
  await page.getByLabel('Time zone').selectOption('Europe/Berlin')
  await page.getByLabel("First owner's email").fill(owner.email)
  await page.getByRole('button', { name: 'Create and invite' }).click()
  await expect(mainHeading(page)).toContainText(orgName)
  await expect(page.getByText(`Invitation sent to ${owner.email}`)).toBeVisible()
  await expect(page.locator('dl')).toContainText('globex-dental')
  orgUrl = page.url()

  // The same slug again is refused on its field.
  await page.goto('/platform/organizations/new')
  await page.getByLabel('Name').fill('Globex Dental')
  await page.getByLabel("First owner's email").fill('other@globex.test')
  await page.getByRole('button', { name: 'Create and invite' }).click()
  await expect(page.getByText('is already taken by another organization')).toBeVisible()

  const link = await mailedLink(owner.email, 'invitation')
  ownerPage = await tab(browser)
  await ownerPage.goto(link)
  await expect(mainHeading(ownerPage)).toHaveText('Accept your invitation')
  await shoot(ownerPage, 'invitation')
  await ownerPage.getByLabel('Your name').fill(owner.name)
  await ownerPage.getByLabel('Password', { exact: true }).fill(owner.password)
  await ownerPage.getByLabel('Password again').fill(owner.password)
  await ownerPage.getByRole('button', { name: 'Create my account' }).click()
  await expect(mainHeading(ownerPage)).toHaveText(`Hello, ${owner.name}`)
  await expect(ownerPage.getByTitle('Organization')).toHaveText(orgName)
  const nav = ownerPage.getByRole('navigation', { name: 'Main' })
  await nav.getByRole('link', { name: 'Extensions' }).click()
  await expect(ownerPage.getByText('No extensions yet')).toBeVisible()
  await nav.getByRole('link', { name: 'Phone numbers' }).click()
  await expect(ownerPage.getByText('No phone numbers yet')).toBeVisible()

  // The link worked once.
  const again = await tab(browser)
  await again.goto(link)
  await again.getByLabel('Your name').fill('Someone else')
  await again.getByLabel('Password', { exact: true }).fill('Another-Password-2026')
  await again.getByLabel('Password again').fill('Another-Password-2026')
  await again.getByRole('button', { name: 'Create my account' }).click()
  await expect(again.getByRole('alert')).toHaveText(
    'This link is not valid: it was used already or has expired.',
  )
  await shoot(again, 'invitation-used')
  await again.context().close()
})

test('suspending the organization stops its owner; reactivating restores them', async () => {
  const page = operatorPage
  await page.goto(orgUrl)
  await expect(page.locator('dl')).toContainText('Users1')
  await page.getByRole('button', { name: 'Suspend' }).click()
  await expect(page.getByRole('alertdialog')).toContainText('Reactivate restores everything')
  await shoot(page, 'platform-suspend-confirm')
  await page.getByRole('alertdialog').getByRole('button', { name: 'Suspend' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Suspended')

  const token = await ownerPage.evaluate(
    () => JSON.parse(sessionStorage.getItem('opbx.session')!).token as string,
  )
  const answer = await ownerPage.request.get('/api/v1/extensions', {
    headers: { Authorization: `Bearer ${token}` },
  })
  expect(answer.status()).toBe(403)
  expect((await answer.json()).type).toBe('urn:opbx:problem:organization-suspended')
  await ownerPage.reload()
  await expect(mainHeading(ownerPage)).toHaveText('Organization suspended')
  await shoot(ownerPage, 'organization-suspended')

  await page.getByRole('button', { name: 'Reactivate' }).click()
  await page.getByRole('alertdialog').getByRole('button', { name: 'Reactivate' }).click()
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Active')
  await ownerPage.goto('/')
  await expect(mainHeading(ownerPage)).toHaveText(`Hello, ${owner.name}`)

  await page.getByRole('link', { name: 'Audit log' }).click()
  await expect(mainHeading(page)).toHaveText('Platform audit log')
  await expect(page.getByRole('table')).toContainText('reactivate organization')
  await expect(page.getByRole('table')).toContainText('suspend organization')
  await shoot(page, 'platform-audit-log')
})

test('the owner invites a colleague from the users screen', async () => {
  const page = ownerPage
  await page.goto('/users')
  await page.getByRole('button', { name: 'Invite user' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.getByLabel('Email').fill(owner.email)
  await dialog.getByRole('button', { name: 'Send invitation' }).click()
  await expect(dialog.getByText('already has an account in this organization')).toBeVisible()
  await dialog.getByLabel('Email').fill('hal@globex.test')
  await dialog.getByLabel('Role').selectOption({ label: 'Reporter' })
  await shoot(page, 'user-invite')
  await dialog.getByRole('button', { name: 'Send invitation' }).click()
  await expect(page.getByText('Invitation sent to hal@globex.test')).toBeVisible()
  const link = await mailedLink('hal@globex.test', 'invitation')
  expect(link).toContain('/invitation#token=')

  // It waits as pending until the owner changes their mind: then its link no longer works.
  const pending = page.getByRole('row').filter({ hasText: 'hal@globex.test' })
  await expect(pending).toContainText('Reporter')
  await expect(pending).toContainText(owner.email)
  await shoot(page, 'users-pending-invitations')
  await pending.getByRole('button', { name: 'Revoke' }).click()
  await expect(page.getByRole('alertdialog')).toContainText('stops working at once')
  await shoot(page, 'invitation-revoke-confirm')
  await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click()
  await expect(page.getByText('Invitation for hal@globex.test revoked')).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Pending invitations' })).toHaveCount(0)

  const invited = await page.context().newPage()
  await invited.goto(link)
  await invited.getByLabel('Your name').fill('Hal')
  await invited.getByLabel('Password', { exact: true }).fill('Another-Password-2026')
  await invited.getByLabel('Password again').fill('Another-Password-2026')
  await invited.getByRole('button', { name: 'Create my account' }).click()
  await expect(invited.getByRole('alert')).toHaveText(
    'This link is not valid: it was used already or has expired.',
  )
  await invited.close()
})

test('a forgotten password is reset through the mailed link', async ({ browser }) => {
  const page = await tab(browser, 'dark')
  const before = mailCount(owner.email)
  await page.goto('/login')
  await page.getByRole('link', { name: 'Forgot your password?' }).click()
  await expect(mainHeading(page)).toHaveText('Reset your password')
  await page.getByLabel('Email').fill(owner.email)
  await page.getByRole('button', { name: 'Send me a link' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'If an account has this email' })).toBeVisible()
  await shoot(page, 'forgot-password-sent', 'dark')

  const link = await mailedLink(owner.email, 'reset-password', before)
  await page.goto(link)
  await expect(mainHeading(page)).toHaveText('Choose a new password')
  const fresh = 'Amber-Harbour-2027?'
  await page.getByLabel('Password', { exact: true }).fill(fresh)
  await page.getByLabel('Password again').fill('something else entirely')
  await page.getByRole('button', { name: 'Set my new password' }).click()
  await expect(page.getByText('does not match the password')).toBeVisible()
  await shoot(page, 'reset-password-invalid', 'dark')
  await page.getByLabel('Password again').fill(fresh)
  await page.getByRole('button', { name: 'Set my new password' }).click()
  await expect(page.getByRole('status')).toContainText('Your password is changed')
  await page.getByRole('link', { name: 'Sign in' }).click()
  await page.getByLabel('Email').fill(owner.email)
  await page.getByLabel('Password').fill(fresh)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(mainHeading(page)).toHaveText(`Hello, ${owner.name}`)

  // Used once: the same link now says so, and offers a new one.
  await page.goto(link)
  await page.getByLabel('Password', { exact: true }).fill('Yet-Another-2027?')
  await page.getByLabel('Password again').fill('Yet-Another-2027?')
  await page.getByRole('button', { name: 'Set my new password' }).click()
  await expect(page.getByRole('alert')).toHaveText(
    'This link is not valid: it was used already or has expired.',
  )
  await expect(page.getByRole('link', { name: 'Send me a new link' })).toBeVisible()
})

test.describe('phone width', () => {
  test.use({ viewport: { width: 390, height: 844 } })

  test('the platform screens fit', async ({ page }) => {
    await operatorSignsIn(page)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await shoot(page, 'platform-organizations', 'phone')
    await page.getByRole('link', { name: orgName }).click()
    await expect(mainHeading(page)).toContainText(orgName)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await shoot(page, 'platform-organization', 'phone')
  })
})

test('dark theme: the operator sign-in and an organization', async ({ browser }) => {
  const page = await tab(browser, 'dark')
  await page.goto('/platform/login')
  await shoot(page, 'platform-sign-in', 'dark')
  await operatorSignsIn(page)
  await page.getByRole('link', { name: orgName }).click()
  await expect(mainHeading(page)).toContainText(orgName)
  await shoot(page, 'platform-organization', 'dark')
})
