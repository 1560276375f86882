import { mkdirSync, writeFileSync } from 'node:fs'
import { request } from '@playwright/test'
import { startFakeCloudonix } from './fake-cloudonix-api'
import { type Accounts, accountsFile, type Who } from './support'

// The accounts the browser tests use, made through the API once: the bootstrap owner, a PBX user
// with an extension of their own, a reporter, and a colleague's extension. Also starts the fake
// Cloudonix API opbx-local was pointed at (FAKE_CLOUDONIX_PORT, see scripts/e2e.sh), stopped at
// the end of the run.
export default async function globalSetup() {
  const fakePort = Number(process.env.FAKE_CLOUDONIX_PORT)
  const fake = fakePort ? await startFakeCloudonix(fakePort) : null
  const baseURL = process.env.BASE_URL!
  const ownerPassword = process.env.OPBX_E2E_PASSWORD!
  const ownerEmail = process.env.OPBX_E2E_EMAIL ?? 'admin@example.com'
  const api = await request.newContext({ baseURL })

  async function login(email: string, password: string) {
    const res = await api.post('/api/v1/auth/login', { data: { email, password } })
    if (!res.ok()) throw new Error(`login ${email}: ${res.status()} ${await res.text()}`)
    return (await res.json()) as { token: string; expires_at: string; user: { id: string } }
  }
  const owner = await login(ownerEmail, ownerPassword)
  const auth = { Authorization: `Bearer ${owner.token}` }
  async function post<T>(path: string, data: object): Promise<T> {
    const res = await api.post(path, { data, headers: auth })
    if (!res.ok()) throw new Error(`POST ${path}: ${res.status()} ${await res.text()}`)
    return (await res.json()) as T
  }

  const passwords: Record<Who, string> = {
    owner: ownerPassword,
    pbx_user: 'Amber-Phones-2026!',
    reporter: 'Copper-Reports-2026!',
  }
  const emails: Record<Who, string> = {
    owner: ownerEmail,
    pbx_user: 'paula@example.com',
    reporter: 'rex@example.com',
  }
  const paula = await post<{ id: string }>('/api/v1/users', {
    email: emails.pbx_user,
    name: 'Paula',
    password: passwords.pbx_user,
    role: 'pbx_user',
  })
  await post('/api/v1/users', {
    email: emails.reporter,
    name: 'Rex',
    password: passwords.reporter,
    role: 'reporter',
  })
  const mine = await post<{ id: string }>('/api/v1/extensions', {
    number: '301',
    name: 'Paula desk',
    user_id: paula.id,
  })
  const theirs = await post<{ id: string }>('/api/v1/extensions', { number: '302', name: 'Front desk' })
  const desk = await post<{ id: string }>('/api/v1/ring-groups', {
    name: 'Front office',
    strategy: 'round_robin',
    members: [mine.id, theirs.id],
  })
  const boardroom = await post<{ id: string }>('/api/v1/conference-rooms', {
    name: 'Board room',
    number: '800',
    pin: '4321',
  })
  const reception = await post<{ id: string }>('/api/v1/phone-numbers', {
    number: '+12125550199',
    label: 'Reception',
    destination: { type: 'extension', id: theirs.id },
  })

  const office = await post<{ id: string }>('/api/v1/business-hours', {
    name: 'Main office',
    timezone: 'America/New_York',
    open: { type: 'ring_group', id: desk.id },
    closed: { type: 'voicemail', id: theirs.id },
    ranges: [
      ...[1, 2, 3, 4, 5].map((weekday) => ({ weekday, start_minute: 9 * 60, end_minute: 17 * 60 })),
      { weekday: 5, start_minute: 22 * 60, end_minute: 2 * 60 },
    ],
    exceptions: [{ name: 'Christmas', mode: 'closed', start_date: '2026-12-25', end_date: '2026-12-26' }],
  })
  const support = await post<{ id: string }>('/api/v1/business-hours', {
    name: 'Support line',
    open: { type: 'extension', id: theirs.id },
    closed: { type: 'hangup' },
    ranges: [{ weekday: 6, start_minute: 10 * 60, end_minute: 14 * 60 }],
  })
  await post(`/api/v1/business-hours/${support.id}/override`, { mode: 'closed' })
  const receptionMenu = await post<{ id: string }>('/api/v1/ivr-menus', {
    name: 'Reception menu',
    prompt_text: 'For the front office press 1, for the board room press 2.',
    options: [
      { digits: '1', label: 'Front office', destination: { type: 'ring_group', id: desk.id } },
      { digits: '2', label: 'Board room', destination: { type: 'conference_room', id: boardroom.id } },
    ],
    direct_dial: true,
    direct_dial_allowlist: [theirs.id],
  })
  const northAmerica = await post<{ id: string }>('/api/v1/outbound-routes', {
    name: 'North America',
    priority: 10,
    match_kind: 'pattern',
    match_value: 'NXXNXXXXXX',
    prepend: '+1',
    trunk: 'main',
    caller_id: '+12125550199',
  })
  await post('/api/v1/outbound-routes', {
    name: 'International',
    priority: 20,
    match_kind: 'prefix',
    match_value: '011',
    strip_digits: 3,
    prepend: '+',
    trunk: 'main',
    caller_id: '+12125550199',
  })

  const tokens = {
    owner: { token: owner.token, expires_at: owner.expires_at },
    pbx_user: await login(emails.pbx_user, passwords.pbx_user),
    reporter: await login(emails.reporter, passwords.reporter),
  }
  const accounts: Accounts = {
    tokens: {
      owner: tokens.owner,
      pbx_user: { token: tokens.pbx_user.token, expires_at: tokens.pbx_user.expires_at },
      reporter: { token: tokens.reporter.token, expires_at: tokens.reporter.expires_at },
    },
    passwords,
    emails,
    extensions: { mine: mine.id, theirs: theirs.id },
    phoneNumber: reception.id,
    ringGroup: desk.id,
    conferenceRoom: boardroom.id,
    businessHours: office.id,
    ivrMenu: receptionMenu.id,
    outboundRoute: northAmerica.id,
    users: { pbx_user: paula.id },
  }
  mkdirSync('test-results', { recursive: true })
  writeFileSync(accountsFile, JSON.stringify(accounts, null, 2))
  await api.dispose()
  // opbx-local's background jobs keep talking to the fake over keep-alive connections, and
  // close() alone waits for every connection to end: cut them, or the run never finishes.
  return () =>
    new Promise<void>((resolve) => {
      if (!fake) return resolve()
      fake.close(() => resolve())
      fake.closeAllConnections()
    })
}
