import { expect, test } from '@playwright/test'
import { mainHeading, signedIn } from './support'

// The simulator against the real routing: a Sunday-night call to the reception number, asked in
// the form, answered with its steps and reasons, and the same again from the shared URL.

test('a call is simulated at a local date and time, and the question is shareable by URL', async ({
  page,
}) => {
  await signedIn(page, 'owner')
  await page.goto('/simulator')
  await expect(mainHeading(page)).toHaveText('Routing simulator')
  await page.getByLabel('Number dialled').fill('+12125550199')
  await page.getByLabel('Date').fill('2026-12-27')
  await page.getByLabel('Time').fill('23:30')
  await page.getByRole('button', { name: 'Simulate' }).click()
  await expect(page).toHaveURL(/to=%2B12125550199/)
  expect(new URL(page.url()).searchParams.get('date')).toBe('2026-12-27')
  expect(new URL(page.url()).searchParams.get('time')).toBe('23:30')
  const steps = page.getByRole('list', { name: 'Steps' })
  await expect(steps.getByRole('listitem')).toHaveCount(1)
  await expect(steps).toContainText('Front desk')
  await expect(steps).toContainText("Why: call to +12125550199 'Reception'")
  await page.getByText('CXML the caller ends up with').click()
  await expect(page.getByText(/<Dial/)).toBeVisible()

  await page.reload()
  await expect(page.getByRole('list', { name: 'Steps' })).toContainText('Front desk')
  await expect(page.getByLabel('Number dialled')).toHaveValue('+12125550199')
})
