import { expect, test } from '@playwright/test'
import { accounts, mainHeading, signedIn } from './support'

test.describe.configure({ mode: 'serial' })

test('an owner signs in with the form, after a wrong password', async ({ page }) => {
  const { emails, passwords } = accounts()
  await page.goto('/extensions')
  await expect(page).toHaveURL(/\/login\?next=%2Fextensions/)
  await page.getByLabel('Email').fill(emails.owner)
  await page.getByLabel('Password').fill('not-the-password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert')).toHaveText('Wrong email or password.')

  await page.getByLabel('Password').fill(passwords.owner)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(mainHeading(page)).toHaveText('Extensions')
  await expect(page).toHaveURL(/\/extensions$/)
  // The token lives in this tab only.
  expect(await page.evaluate(() => Object.keys(localStorage))).not.toContain('opbx.session')
})

test('creates an extension, a ring group of two extensions, and a number that rings the group', async ({
  page,
}) => {
  await signedIn(page, 'owner')
  await page.goto('/extensions')
  await page.getByRole('link', { name: 'New extension' }).first().click()
  await expect(mainHeading(page)).toHaveText('New extension')
  await page.getByLabel('Number', { exact: true }).fill('201')
  await page.getByLabel('Name', { exact: true }).fill('Alice')
  await page.getByLabel('Ring for (seconds)').fill('25')
  await page.getByRole('button', { name: 'Create extension' }).click()
  await expect(mainHeading(page)).toHaveText('201 · Alice')

  await page.getByRole('link', { name: 'Ring groups' }).click()
  await page.getByRole('link', { name: 'New ring group' }).first().click()
  await expect(mainHeading(page)).toHaveText('New ring group')
  await page.getByLabel('Name', { exact: true }).fill('Sales team')
  await page.getByLabel('How members ring').selectOption({ label: 'In order' })
  const add = page.getByLabel('Add a member')
  await add.selectOption({ label: '201 · Alice' })
  await add.selectOption({ label: '302 · Front desk' })
  const members = page.getByRole('list', { name: 'Members, in ring order' }).getByRole('listitem')
  await expect(members).toHaveText([/201 · Alice/, /302 · Front desk/])
  // Reorder by keyboard alone: focus the handle, pick up, move up, drop.
  const said = page.locator('[aria-live="assertive"]')
  await page.getByRole('button', { name: 'Drag 302 · Front desk to reorder' }).focus()
  await page.keyboard.press('Space')
  // Picked up (dnd-kit then reports it over its own place at once).
  await expect(said).toHaveText(/^(Picked up 302 · Front desk|302 · Front desk is over position 2)/)
  // dnd-kit listens for arrows only once it has measured the list after the pick-up, so an arrow
  // pressed in that instant is ignored, as it would be for a person: press again until it moves
  // (more presses at the top leave it at position 1).
  await expect(async () => {
    await page.keyboard.press('ArrowUp')
    await expect(said).toHaveText('302 · Front desk is over position 1 of 2.', { timeout: 1_000 })
  }).toPass()
  await page.keyboard.press('Space')
  await expect(said).toHaveText('302 · Front desk dropped at position 1 of 2.')
  await expect(members).toHaveText([/302 · Front desk/, /201 · Alice/])
  await page.getByLabel('Calls go to').selectOption('voicemail')
  await page
    .getByRole('combobox', { name: 'Voicemail', exact: true })
    .selectOption({ label: 'Voicemail of 201 · Alice' })
  await page.getByRole('button', { name: 'Create ring group' }).click()
  await expect(mainHeading(page)).toHaveText('Sales team')
  await expect(members).toHaveText([/302 · Front desk/, /201 · Alice/])

  await page.getByRole('link', { name: 'Phone numbers' }).click()
  await page.getByRole('link', { name: 'Add number' }).first().click()
  await expect(mainHeading(page)).toHaveText('Add phone number')
  await page.getByLabel('Number', { exact: true }).fill('+1 (212) 555-0123')
  await page.getByLabel('Label').fill('Sales line')
  await page.getByLabel('Calls go to').selectOption('ring_group')
  await page.getByRole('combobox', { name: 'Ring group', exact: true }).selectOption({ label: 'Sales team' })
  await page.getByRole('button', { name: 'Add number' }).click()

  await expect(mainHeading(page)).toHaveText('Phone numbers')
  const row = page.getByRole('row', { name: /\+12125550123/ })
  await expect(row).toContainText('Sales line')
  await expect(row).toContainText('Ring group · Sales team')
})

test('a delete is refused while the extension is in use, naming what uses it', async ({ page }) => {
  await signedIn(page, 'owner')
  await page.goto('/extensions?q=Alice')
  await page.getByRole('link', { name: '201' }).click()
  await expect(mainHeading(page)).toHaveText('201 · Alice')
  await page.getByRole('button', { name: 'Delete' }).click()
  const dialog = page.getByRole('alertdialog')
  await dialog.getByRole('button', { name: 'Delete' }).click()
  await expect(dialog).toContainText('It is still in use. Change these first:')
  await dialog.getByRole('link', { name: 'Sales team' }).click()
  await expect(mainHeading(page)).toHaveText('Sales team')

  // Take Alice out of the group (and its fallback off her voicemail); now she can go.
  await page.getByRole('button', { name: 'Remove 201 · Alice' }).click()
  await page.getByLabel('Calls go to').selectOption('hangup')
  await page.getByRole('button', { name: 'Save changes' }).click()
  await expect(page.getByText('Changes saved')).toBeVisible()
  await page.goto('/extensions?q=Alice')
  await page.getByRole('link', { name: '201' }).click()
  await page.getByRole('button', { name: 'Delete' }).click()
  await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click()
  await expect(page.getByText('Extension 201 · Alice deleted')).toBeVisible()
  await expect(mainHeading(page)).toHaveText('Extensions')
  await expect(page.getByRole('link', { name: '201' })).toHaveCount(0)
})

test('creates an IVR menu whose option reaches the ring group, and a schedule with a holiday that opens to it', async ({
  page,
}) => {
  await signedIn(page, 'owner')
  await page.goto('/ivr-menus')
  await page.getByRole('link', { name: 'New menu' }).first().click()
  await expect(mainHeading(page)).toHaveText('New IVR menu')
  await page.getByLabel('Name', { exact: true }).fill('Main menu')
  await page.getByLabel('Text to speak').fill('For sales press 1.')
  await page.getByRole('button', { name: 'Add an option' }).click()
  const option = page.getByRole('list', { name: 'Options by key' }).getByRole('listitem').first()
  await expect(option.getByLabel('Keys')).toHaveValue('1')
  await option.getByLabel('Label').fill('Sales')
  await option.getByLabel('Leads to').selectOption('ring_group')
  await option
    .getByRole('combobox', { name: 'Ring group', exact: true })
    .selectOption({ label: 'Sales team' })
  await page.getByRole('button', { name: 'Create menu' }).click()
  await expect(mainHeading(page)).toHaveText('Main menu')

  await page.getByRole('link', { name: 'Business hours' }).click()
  await page.getByRole('link', { name: 'New schedule' }).first().click()
  await expect(mainHeading(page)).toHaveText('New schedule')
  await page.getByLabel('Name', { exact: true }).fill('Sales hours')
  await page.getByRole('button', { name: 'Monday to Friday, 09:00–17:00' }).click()
  // A late shift on Saturday that runs past midnight.
  await page.getByRole('button', { name: 'Add a range' }).click()
  const ranges = page.getByRole('list', { name: 'Weekly ranges' }).getByRole('listitem')
  await expect(ranges).toHaveCount(6)
  await ranges.nth(5).getByLabel('Opens').fill('22:00')
  await ranges.nth(5).getByLabel('Closes').fill('02:00')
  await expect(ranges.nth(5)).toContainText('Saturday 22:00 to Sunday 02:00')
  await page.getByLabel('While open').selectOption('ivr_menu')
  await page.getByRole('combobox', { name: 'IVR menu', exact: true }).selectOption({ label: 'Main menu' })
  await page.getByRole('button', { name: 'Add a holiday' }).click()
  const holiday = page.getByRole('list', { name: 'Holidays and special openings' }).getByRole('listitem')
  await holiday.getByLabel('Name').fill('Christmas')
  await holiday.getByLabel('From').fill('2026-12-25')
  await holiday.getByLabel('To (inclusive)').fill('2026-12-26')
  await page.getByRole('button', { name: 'Create schedule' }).click()
  await expect(mainHeading(page)).toHaveText('Sales hours')
  await expect(page.getByText(/^(Open|Closed) now$/)).toBeVisible()
  await expect(page.getByRole('list', { name: 'Holidays and special openings' })).toBeVisible()
  await expect(page.getByLabel('Name', { exact: true }).last()).toHaveValue('Christmas')

  // The menu's option is what routes to the group now: deleting the group is refused, naming it.
  await page.getByRole('link', { name: 'Ring groups' }).click()
  await page.getByRole('link', { name: 'Sales team' }).click()
  await page.getByRole('button', { name: 'Delete' }).click()
  const dialog = page.getByRole('alertdialog')
  await dialog.getByRole('button', { name: 'Delete' }).click()
  await expect(dialog.getByRole('link', { name: 'Main menu' })).toBeVisible()
})
