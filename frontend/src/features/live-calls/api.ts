import { queryOptions } from '@tanstack/react-query'
import { api, call, type Schemas } from '@/api/client'
import { keys } from '@/api/keys'

export type LiveCall = Schemas['LiveCallView']
export type LiveEvent = Schemas['LiveEvent']

export const liveCalls = (orgId: string) =>
  queryOptions({
    queryKey: keys.resource(orgId, 'live-calls'),
    queryFn: ({ signal }) => call(api.GET('/api/v1/live-calls', { signal })),
  })

const ended: ReadonlySet<LiveCall['status']> = new Set([
  'completed',
  'busy',
  'no_answer',
  'failed',
  'canceled',
])

/** The board after `event`: a changed call replaces its row (a new one joins), an ended or removed one leaves. */
export function applyEvent(calls: LiveCall[], event: LiveEvent): LiveCall[] {
  if (event.type !== 'call.updated' && event.type !== 'call.removed') return calls
  const others = calls.filter((c) => c.call_id !== event.call.call_id)
  if (event.type === 'call.removed' || ended.has(event.call.status)) return others
  const at = calls.findIndex((c) => c.call_id === event.call.call_id)
  if (at < 0) return [...others, event.call]
  return calls.map((c, i) => (i === at ? event.call : c))
}

/**
 * Where the live events come from: `VITE_OPBX_WS_URL` when the build sets it (in AWS, the API
 * Gateway WebSocket stage URL, `wss://…/prod`), otherwise `/ws` on the page's own host, as
 * opbx-local serves it.
 */
export function socketUrl(
  token: string,
  base = import.meta.env.VITE_OPBX_WS_URL as string | undefined,
): string {
  const url = base ? new URL(base) : new URL('/ws', location.href)
  if (!base) url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:'
  url.searchParams.set('token', token)
  return url.href
}

/** The wait before reconnect attempt `n` (from 0): 1 s doubling to 30 s, with up to 20% jitter. */
export function backoff(n: number, random = Math.random): number {
  const base = Math.min(30_000, 1000 * 2 ** n)
  return Math.round(base * (1 - 0.2 * random()))
}
