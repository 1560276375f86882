import { expect, test } from '@playwright/test'
import { Cloudonix, newCall } from './cloudonix'
import { mainHeading, signedIn } from './support'

// The live board over the real WebSocket: a call driven through the webhooks appears, changes
// state and leaves it.

test('a call appears on the live board, is answered and leaves when it ends', async ({ page, request }) => {
  const cloudonix = await Cloudonix.connect(request)
  await signedIn(page, 'reporter')
  await page.goto('/live')
  await expect(mainHeading(page)).toHaveText('Live calls')
  await expect(page.getByRole('status').filter({ hasText: 'Live' })).toBeVisible()

  const call = newCall('+12125550199', '+14155550777')
  const action = await cloudonix.voice(call)
  const row = page.getByRole('row').filter({ hasText: '+14155550777' })
  await expect(row).toContainText('Ringing', { timeout: 1000 })
  await expect(row).toContainText('Inbound')
  // Where the call is: the extension the number rings (a reporter sees it, unlinked).
  await expect(row).toContainText('Extension 302 Front desk')

  await cloudonix.dial(action, call, 'answered')
  await expect(row).toContainText('Talking', { timeout: 1000 })
  // The timer runs.
  const shown = await row.getByText(/^\d+:\d\d$/).textContent()
  await expect(row.getByText(/^\d+:\d\d$/)).not.toHaveText(shown!, { timeout: 3000 })

  await cloudonix.cdr(call, 'ANSWER', { duration: 9, billsec: 7 })
  await expect(row).toHaveCount(0, { timeout: 1000 })
})
