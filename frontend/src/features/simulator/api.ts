import { queryOptions } from '@tanstack/react-query'
import { api, call, type Schemas } from '@/api/client'
import { keys } from '@/api/keys'
import { zonedInstant } from '@/lib/time'

export type SimulateResponse = Schemas['SimulateResponse']

/**
 * The question in the URL, so a simulation can be shared: the number dialled, the caller, whether
 * the call comes in or from one of the organization's phones, the organization-local date and time,
 * and the keys pressed (space separated).
 */
export interface SimulatorSearch {
  to?: string
  from?: string
  direction?: 'inbound' | 'subscriber'
  date?: string
  time?: string
  digits?: string
}

function text(v: unknown, max = 64): string | undefined {
  if (typeof v === 'number') return String(v)
  return typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined
}

export function simulatorSearch(raw: Record<string, unknown>): SimulatorSearch {
  const out: SimulatorSearch = {}
  const to = text(raw.to)
  if (to) out.to = to
  const from = text(raw.from)
  if (from) out.from = from
  if (raw.direction === 'inbound' || raw.direction === 'subscriber') out.direction = raw.direction
  const date = text(raw.date)
  if (date && /^\d{4}-\d{2}-\d{2}$/.test(date)) out.date = date
  const time = text(raw.time)
  if (time && /^\d{2}:\d{2}$/.test(time)) out.time = time
  const digits = text(raw.digits, 200)
  if (digits) out.digits = digits
  return out
}

/** The API request for `search`; the date and time are the organization's (now when not given). */
export function simulateRequest(search: SimulatorSearch, timeZone: string): Schemas['SimulateRequest'] {
  return {
    to: search.to ?? '',
    from: search.from ?? null,
    direction: search.direction ?? 'inbound',
    at: search.date ? zonedInstant(search.date, search.time ?? '12:00', timeZone) : null,
    digits: search.digits?.split(/[\s,]+/).filter(Boolean) ?? [],
  }
}

export const simulation = (orgId: string, body: Schemas['SimulateRequest']) =>
  queryOptions({
    queryKey: [...keys.resource(orgId, 'simulations'), body] as const,
    queryFn: ({ signal }) => call(api.POST('/api/v1/routing/simulate', { body, signal })),
    // A simulation answers for the configuration of the moment: asked again, it runs again.
    staleTime: 0,
    retry: false,
  })
