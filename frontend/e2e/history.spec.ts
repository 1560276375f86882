import { readFileSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import { Cloudonix, newCall } from './cloudonix'
import { mainHeading, signedIn } from './support'

// A call driven through the webhooks as Cloudonix sends them, then found in the history with its
// path, reasons and trace, and exported as CSV.

test('a call driven by webhooks is in the history with its path, reasons and trace, and in the CSV', async ({
  page,
  request,
}) => {
  const cloudonix = await Cloudonix.connect(request)
  const call = newCall('+12125550199')
  await cloudonix.answeredCall(call)

  await signedIn(page, 'owner')
  await page.goto('/call-logs')
  await expect(mainHeading(page)).toHaveText('Call history')
  const sid = page.getByLabel('CallSid')
  await sid.fill(call.sid)
  await sid.press('Enter')
  await expect(page).toHaveURL(new RegExp(`call_sid=${call.sid}`))
  const rows = page.getByRole('table', { name: 'Calls' }).getByRole('row')
  await expect(rows).toHaveCount(2)
  await expect(rows.nth(1)).toContainText('Completed')
  await expect(rows.nth(1)).toContainText('0:42')

  // The CSV of this filter, fetched with the token and saved as a file.
  const download = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export CSV' }).click()
  const file = await download
  expect(file.suggestedFilename()).toMatch(/^calls-\d{4}-\d{2}-\d{2}\.csv$/)
  const csv = readFileSync((await file.path())!, 'utf8')
    .trim()
    .split(/\r?\n/)
  expect(csv).toHaveLength(2)
  expect(csv[1]).toContain(call.sid)
  expect(csv[1]).toContain('Front desk')

  await rows.nth(1).getByRole('link').click()
  await expect(mainHeading(page)).toContainText(call.from)
  const path = page.getByRole('list', { name: 'Path' })
  await expect(path.getByRole('listitem')).toHaveCount(1)
  await expect(path).toContainText('Extension 302 Front desk')
  await expect(path).toContainText("Why: call to +12125550199 'Reception'")
  await expect(page.getByText('ANSWER').first()).toBeVisible()

  const trace = page.getByRole('list', { name: 'Webhook requests' }).getByRole('listitem')
  await expect(trace).toHaveCount(5)
  const kinds = ['Voice request', 'Session update', 'Dial result', 'Session update', 'CDR']
  for (const [i, kind] of kinds.entries()) await expect(trace.nth(i)).toContainText(kind)
  await trace.nth(0).getByText('Voice request').click()
  await expect(trace.nth(0)).toContainText('<Dial')
  await expect(trace.nth(0)).toContainText(call.sid)
  // The webhook key never shows.
  await expect(page.locator('body')).not.toContainText('Bearer')
})

test('a PBX user sees the calls of their own extension only, without traces', async ({ page, request }) => {
  const cloudonix = await Cloudonix.connect(request)
  const call = newCall('+12125550199')
  await cloudonix.answeredCall(call)
  await signedIn(page, 'pbx_user')
  await page.goto(`/call-logs?call_sid=${call.sid}`)
  await expect(mainHeading(page)).toHaveText('Call history')
  // The reception number rings the colleague's extension, not Paula's.
  await expect(page.getByText('Nothing matches')).toBeVisible()
})
