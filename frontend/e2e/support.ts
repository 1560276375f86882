import { readFileSync } from 'node:fs'
import { AxeBuilder } from '@axe-core/playwright'
import { expect, type Page } from '@playwright/test'

export type Who = 'owner' | 'pbx_user' | 'reporter'

export interface Accounts {
  /** Tokens from one API sign-in each (login is rate-limited per address: reuse them). */
  tokens: Record<Who, { token: string; expires_at: string }>
  passwords: Record<Who, string>
  emails: Record<Who, string>
  /** The extensions global-setup created: the PBX user's own one, and a colleague's. */
  extensions: { mine: string; theirs: string }
  /** A phone number routed to the colleague's extension, and the PBX user's id. */
  phoneNumber: string
  ringGroup: string
  conferenceRoom: string
  /** A schedule with weekly hours and a holiday, an IVR menu and an outbound route. */
  businessHours: string
  ivrMenu: string
  outboundRoute: string
  users: { pbx_user: string }
}

export const accountsFile = 'test-results/e2e-accounts.json'

export function accounts(): Accounts {
  return JSON.parse(readFileSync(accountsFile, 'utf8')) as Accounts
}

/** Opens the app already signed in as `who` (the token placed where the app keeps it), in `theme`. */
export async function signedIn(page: Page, who: Who, theme: 'light' | 'dark' = 'light') {
  const { token, expires_at } = accounts().tokens[who]
  await page.addInitScript(
    ([session, choice]) => {
      sessionStorage.setItem('opbx.session', session)
      localStorage.setItem('opbx.theme', choice)
    },
    [JSON.stringify({ token, expiresAt: expires_at }), theme] as const,
  )
}

/** Fails on serious or critical accessibility findings, listing them. */
export async function expectAccessible(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze()
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} (${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')})`,
    )
  expect(bad, 'axe findings').toEqual([])
}

export function mainHeading(page: Page) {
  return page.getByRole('heading', { level: 1 })
}
