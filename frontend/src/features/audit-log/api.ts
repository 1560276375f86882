import { keepPreviousData, queryOptions } from '@tanstack/react-query'
import { api, call, type Schemas } from '@/api/client'
import { keys } from '@/api/keys'
import { PER_PAGE } from '@/lib/list-search'
import { zonedInstant } from '@/lib/time'

export type AuditEntry = Schemas['AuditEntryView']

// What the server records (shared/src/http/api: `Change::created/updated/deleted/action`).
export const objectTypes: Record<string, string> = {
  business_hours: 'Business hours',
  cloudonix_settings: 'Cloudonix settings',
  conference_room: 'Conference room',
  extension: 'Extension',
  invitation: 'Invitation',
  ivr_menu: 'IVR menu',
  job: 'Background job',
  outbound_route: 'Outbound route',
  phone_number: 'Phone number',
  ring_group: 'Ring group',
  session: 'Sign-in',
  user: 'User',
  voicemail: 'Voicemail',
}

export const actions: Record<string, string> = {
  create: 'Created',
  update: 'Changed',
  delete: 'Deleted',
  login: 'Signed in',
  logout: 'Signed out',
  invite: 'Invited',
  resend: 'Resent',
  change_password: 'Changed password',
  reset_password: 'Reset password',
  change_pin: 'Changed PIN',
  reveal_sip_password: 'Revealed SIP password',
  rotate_sip_password: 'Rotated SIP password',
  set_sip_password: 'Set SIP password',
  rotate_webhook_key: 'Issued webhook key',
  rotate_cdr_token: 'Replaced CDR token',
  provision: 'Provisioned',
  retry: 'Retried',
}

/**
 * The audit log's view in the URL: the API's filters and the page. Dates are the organization's
 * local dates; `to` includes that whole day.
 */
export interface AuditSearch {
  page?: number
  actor?: string
  object_type?: string
  object_id?: string
  action?: string
  from?: string
  to?: string
}

const DATE = /^\d{4}-\d{2}-\d{2}$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const WORD = /^[a-z_]{1,64}$/

function matching(v: unknown, pattern: RegExp): string | undefined {
  return typeof v === 'string' && pattern.test(v) ? v : undefined
}

/** The route's `validateSearch`: anything malformed is dropped rather than sent. */
export function auditSearch(raw: Record<string, unknown>): AuditSearch {
  const out: AuditSearch = {}
  const page = Number(raw.page)
  if (Number.isInteger(page) && page > 1 && page < 100_000) out.page = page
  const found = {
    actor: matching(raw.actor, UUID),
    object_type: matching(raw.object_type, WORD),
    object_id: matching(raw.object_id, /^[0-9A-Za-z-]{1,64}$/),
    action: matching(raw.action, WORD),
    from: matching(raw.from, DATE),
    to: matching(raw.to, DATE),
  }
  for (const [k, v] of Object.entries(found)) if (v) out[k as keyof typeof found] = v
  return out
}

export function isFiltered(search: AuditSearch): boolean {
  return Boolean(
    search.actor || search.object_type || search.object_id || search.action || search.from || search.to,
  )
}

/** The day after `date` (`2026-03-01` → `2026-03-02`). */
function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

/** The API query of `search`: local dates as the instants their days start in `timeZone`. */
export function auditQuery(search: AuditSearch, timeZone: string) {
  return {
    page: search.page ?? 1,
    per_page: PER_PAGE,
    actor: search.actor,
    object_type: search.object_type,
    object_id: search.object_id,
    action: search.action,
    from: search.from && zonedInstant(search.from, '00:00', timeZone),
    to: search.to && zonedInstant(nextDay(search.to), '00:00', timeZone),
  }
}

export const auditLog = (orgId: string, search: AuditSearch, timeZone: string) => {
  const query = auditQuery(search, timeZone)
  return queryOptions({
    queryKey: keys.list(orgId, 'audit-log', query),
    queryFn: ({ signal }) => call(api.GET('/api/v1/audit-log', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  })
}
