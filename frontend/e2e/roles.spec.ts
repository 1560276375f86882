import { expect, test } from '@playwright/test'
import { accounts, mainHeading, signedIn } from './support'

test('a reporter sees calls, not the configuration', async ({ page }) => {
  await signedIn(page, 'reporter')
  await page.goto('/')
  const nav = page.getByRole('navigation', { name: 'Main' })
  await expect(nav.getByRole('link', { name: 'Call history' })).toBeVisible()
  await expect(nav.getByRole('link', { name: 'Extensions' })).toHaveCount(0)
  await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0)

  await page.goto('/extensions')
  await expect(mainHeading(page)).toHaveText('Not available for your role')
  // And the server agrees: a reporter's token reads no extension.
  const res = await page.request.get('/api/v1/extensions', {
    headers: { Authorization: `Bearer ${accounts().tokens.reporter.token}` },
  })
  expect(res.status()).toBe(403)
})

test('a PBX user changes the call handling of their own extension, and only that', async ({ page }) => {
  const { extensions } = accounts()
  await signedIn(page, 'pbx_user')
  await page.goto(`/extensions/${extensions.mine}`)
  await expect(mainHeading(page)).toHaveText('301 · Paula desk')
  await expect(page.getByLabel('Number', { exact: true })).toBeDisabled()
  await expect(page.getByRole('button', { name: 'Delete' })).toHaveCount(0)

  const dnd = page.getByRole('switch', { name: 'Do not disturb' })
  await expect(dnd).not.toBeChecked()
  await dnd.click()
  await page.getByRole('button', { name: 'Save changes' }).click()
  await expect(page.getByText('Changes saved')).toBeVisible()
  await page.reload()
  await expect(page.getByRole('switch', { name: 'Do not disturb' })).toBeChecked()

  await page.getByRole('button', { name: 'Reveal' }).click()
  await page.getByRole('alertdialog').getByRole('button', { name: 'Show password' }).click()
  await expect(page.getByLabel('SIP password', { exact: true })).toHaveValue(/^\S{12,64}$/)

  await page.goto(`/extensions/${extensions.theirs}`)
  await expect(mainHeading(page)).toHaveText('302 · Front desk')
  await expect(page.getByRole('switch', { name: 'Do not disturb' })).toBeDisabled()
  await expect(page.getByRole('button', { name: 'Save changes' })).toHaveCount(0)
  await expect(page.getByRole('heading', { name: 'SIP password' })).toHaveCount(0)

  await page.goto('/users')
  await expect(mainHeading(page)).toHaveText('Not available for your role')
})
