import { keepPreviousData, queryOptions } from '@tanstack/react-query'
import { api, ApiError, call, type Schemas } from '@/api/client'
import { keys } from '@/api/keys'
import { PER_PAGE } from '@/lib/list-search'
import { session } from '@/lib/session'

export type CallLogView = Schemas['CallLogView']
export type CallLogDetail = Schemas['CallLogDetail']
export type CallStatus = Schemas['CallStatus']
export type CallDirection = Schemas['CallDirection']
export type TraceView = Schemas['TraceView']
export type TraceEntry = Schemas['TraceEntryView']

/** The call-history sort fields (the API's `CallLogList::SORT`). */
export const callLogSorts = [
  'started_at',
  'duration_seconds',
  'from_number',
  'to_number',
  'direction',
  'status',
] as const
export type CallLogSort = (typeof callLogSorts)[number]

export const callStatuses: Record<CallStatus, string> = {
  initiated: 'Initiated',
  ringing: 'Ringing',
  answered: 'Answered',
  completed: 'Completed',
  busy: 'Busy',
  no_answer: 'No answer',
  failed: 'Failed',
  canceled: 'Canceled',
}

export const callDirections: Record<CallDirection, string> = {
  inbound: 'Inbound',
  outbound: 'Outbound',
  internal: 'Internal',
}

/**
 * The history's view in the URL: the API's filters (`number` is the search box, `q`), the page
 * and the sort. Dates are the organization's local dates; `to` includes that whole day.
 */
export interface CallLogSearch {
  q?: string
  page?: number
  sort?: CallLogSort | `-${CallLogSort}`
  from?: string
  to?: string
  direction?: CallDirection
  status?: CallStatus
  extension?: string
  call_sid?: string
}

const DATE = /^\d{4}-\d{2}-\d{2}$/

function text(v: unknown, max = 128): string | undefined {
  return typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined
}

function oneOf<T extends string>(v: unknown, allowed: Record<T, string>): T | undefined {
  return typeof v === 'string' && v in allowed ? (v as T) : undefined
}

/** The route's `validateSearch`: anything malformed is dropped rather than sent. */
export function callLogSearch(raw: Record<string, unknown>): CallLogSearch {
  const out: CallLogSearch = {}
  // A number-only search arrives parsed as a number.
  const q = text(typeof raw.q === 'number' ? String(raw.q) : raw.q, 64)
  if (q) out.q = q
  const page = Number(raw.page)
  if (Number.isInteger(page) && page > 1 && page < 100_000) out.page = page
  const sort = text(raw.sort)
  if (sort && (callLogSorts as readonly string[]).includes(sort.replace(/^-/, '')))
    out.sort = sort as CallLogSearch['sort']
  for (const key of ['from', 'to'] as const) {
    const d = text(raw[key])
    if (d && DATE.test(d)) out[key] = d
  }
  const direction = oneOf(raw.direction, callDirections)
  if (direction) out.direction = direction
  const status = oneOf(raw.status, callStatuses)
  if (status) out.status = status
  const extension = text(raw.extension, 36)
  if (extension) out.extension = extension
  const sid = text(raw.call_sid)
  if (sid) out.call_sid = sid
  return out
}

/** The filters of `search` as the API takes them (the list, the export). */
export function callFilter(search: CallLogSearch) {
  return {
    from: search.from,
    to: search.to,
    direction: search.direction,
    status: search.status,
    number: search.q,
    extension: search.extension,
    call_sid: search.call_sid,
  }
}

export function isFiltered(search: CallLogSearch): boolean {
  return Object.values(callFilter(search)).some(Boolean)
}

export const callLogs = {
  list: (orgId: string, search: CallLogSearch) => {
    const query = { ...callFilter(search), page: search.page ?? 1, per_page: PER_PAGE, sort: search.sort }
    return queryOptions({
      queryKey: keys.list(orgId, 'call-logs', query),
      queryFn: ({ signal }) => call(api.GET('/api/v1/call-logs', { params: { query }, signal })),
      placeholderData: keepPreviousData,
    })
  },
  detail: (orgId: string, id: string) =>
    queryOptions({
      queryKey: keys.detail(orgId, 'call-logs', id),
      queryFn: ({ signal }) => call(api.GET('/api/v1/call-logs/{id}', { params: { path: { id } }, signal })),
    }),
}

/**
 * Downloads the calls matching `search` as CSV: fetched with the session's token (a plain link
 * would carry none), then saved through an object URL.
 */
export async function downloadCsv(search: CallLogSearch, fileName: string): Promise<void> {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(callFilter(search))) if (v) params.set(k, v)
  const token = session.token()
  const response = await fetch(`/api/v1/call-logs/export.csv?${params}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  })
  if (!response.ok) {
    const problem = await response.json().catch(() => null)
    throw new ApiError(
      response.status,
      problem ?? { type: 'about:blank', title: 'Export failed', status: response.status },
    )
  }
  const url = URL.createObjectURL(await response.blob())
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName })
  document.body.append(link)
  link.click()
  link.remove()
  URL.revokeObjectURL(url)
}
