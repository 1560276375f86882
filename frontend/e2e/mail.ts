import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from '@playwright/test'

// The embedded mailer of opbx-local writes every mail to OPBX_MAIL_DIR (scripts/e2e.sh sets it)
// as `<ms>-<recipient>.eml`, plain text: the browser tests follow the links in them as a newcomer
// without a mail server would.

function mailsTo(to: string): string[] {
  const dir = process.env.OPBX_E2E_MAIL_DIR
  if (!dir) throw new Error('OPBX_E2E_MAIL_DIR is not set: run the browser tests with `npm run e2e`')
  return readdirSync(dir)
    .filter((f) => f.endsWith(`-${to}.eml`))
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'))
}

/** The link to `page` (`invitation`, `reset-password`) in the newest mail to `to`, waiting for it. */
export async function mailedLink(
  to: string,
  page: 'invitation' | 'reset-password',
  after = 0,
): Promise<string> {
  let link: string | undefined
  await expect
    .poll(() => {
      const mails = mailsTo(to).slice(after)
      link = mails
        .map((m) => new RegExp(`https?://\\S+/${page}#token=[A-Za-z0-9_-]+`).exec(m)?.[0])
        .filter(Boolean)
        .at(-1)
      return link
    })
    .toBeTruthy()
  return link!
}

/** How many mails `to` has had so far (to wait for the next one). */
export function mailCount(to: string): number {
  return mailsTo(to).length
}
