import { keepPreviousData, queryOptions } from '@tanstack/react-query'
import { api, call, type Schemas } from '@/api/client'
import { keys } from '@/api/keys'
import { bucketOf, type Period } from './period'

export type CallStats = Schemas['CallStats']

/** The period's statistics, hour by hour for one day and day by day for longer. */
export const callStats = (orgId: string, period: Period) => {
  const query = { from: period.from, to: period.to, bucket: bucketOf(period) }
  return queryOptions({
    queryKey: keys.list(orgId, 'call-stats', query),
    queryFn: ({ signal }) => call(api.GET('/api/v1/call-logs/stats', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  })
}

/** How often the dashboard's live count is refreshed (the live board itself follows the WebSocket). */
const LIVE_EVERY = 5_000

/** Calls in progress now: the live board's query, refreshed on a timer here. */
export const liveCount = (orgId: string) =>
  queryOptions({
    queryKey: keys.resource(orgId, 'live-calls'),
    queryFn: ({ signal }) => call(api.GET('/api/v1/live-calls', { signal })),
    refetchInterval: LIVE_EVERY,
    select: (page) => page.data.length,
  })
