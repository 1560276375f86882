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

test('creates an extension and a phone number that rings it', async ({ page }) => {
  await signedIn(page, 'owner')
  await page.goto('/extensions')
  await page.getByRole('link', { name: 'New extension' }).first().click()
  await expect(mainHeading(page)).toHaveText('New extension')
  await page.getByLabel('Number', { exact: true }).fill('201')
  await page.getByLabel('Name', { exact: true }).fill('Alice')
  await page.getByLabel('Ring for (seconds)').fill('25')
  await page.getByRole('button', { name: 'Create extension' }).click()
  await expect(mainHeading(page)).toHaveText('201 · Alice')

  await page.getByRole('link', { name: 'Phone numbers' }).click()
  await page.getByRole('link', { name: 'Add number' }).first().click()
  await expect(mainHeading(page)).toHaveText('Add phone number')
  await page.getByLabel('Number', { exact: true }).fill('+1 (212) 555-0123')
  await page.getByLabel('Label').fill('Sales line')
  await page.getByLabel('Calls go to').selectOption('extension')
  await page.getByRole('combobox', { name: 'Extension', exact: true }).selectOption({ label: '201 · Alice' })
  await page.getByRole('button', { name: 'Add number' }).click()

  await expect(mainHeading(page)).toHaveText('Phone numbers')
  const row = page.getByRole('row', { name: /\+12125550123/ })
  await expect(row).toContainText('Sales line')
  await expect(row).toContainText('Extension · 201 · Alice')
})

test('a delete is refused while a number still routes to the extension, naming the number', async ({
  page,
}) => {
  await signedIn(page, 'owner')
  await page.goto('/extensions?q=Alice')
  await page.getByRole('link', { name: '201' }).click()
  await expect(mainHeading(page)).toHaveText('201 · Alice')
  await page.getByRole('button', { name: 'Delete' }).click()
  const dialog = page.getByRole('alertdialog')
  await dialog.getByRole('button', { name: 'Delete' }).click()
  await expect(dialog).toContainText('It is still in use. Change these first:')
  await dialog.getByRole('link', { name: 'Sales line' }).click()
  await expect(mainHeading(page)).toHaveText('+12125550123 · Sales line')

  // Route the number elsewhere; now the extension can go.
  await page.getByLabel('Calls go to').selectOption('hangup')
  await page.getByRole('button', { name: 'Save changes' }).click()
  await expect(page.getByText('Changes saved')).toBeVisible()
  await page.goto('/extensions?q=Alice')
  await page.getByRole('link', { name: '201' }).click()
  await page.getByRole('button', { name: 'Delete' }).click()
  await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click()
  await expect(page.getByText('Extension 201 deleted')).toBeVisible()
  await expect(mainHeading(page)).toHaveText('Extensions')
  await expect(page.getByRole('link', { name: '201' })).toHaveCount(0)
})
