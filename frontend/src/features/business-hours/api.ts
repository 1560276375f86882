import { queryOptions } from '@tanstack/react-query'
import { api, call, type Schemas } from '@/api/client'
import { keys } from '@/api/keys'

/** The schedule list's sort fields (the API's `BusinessHoursList::SORT`). */
export const businessHoursSorts = ['name', 'timezone', 'status', 'created_at', 'updated_at'] as const
export type BusinessHoursSort = (typeof businessHoursSorts)[number]

/** How often the open/closed badge asks again: ranges start and end on the minute. */
const STATUS_REFRESH_MS = 30_000

/** Open or closed now, where calls go and why, as the routing engine decides it. */
export const scheduleStatusQuery = (orgId: string, id: string) =>
  queryOptions({
    // Under the schedule's own key, so saving the schedule or its override refreshes it.
    queryKey: [...keys.detail(orgId, 'business-hours', id), 'status'] as const,
    queryFn: ({ signal }) =>
      call(api.GET('/api/v1/business-hours/{id}/status', { params: { path: { id } }, signal })),
    refetchInterval: STATUS_REFRESH_MS,
  })

export const setOverride = (id: string, body: Schemas['OverrideInput']) =>
  call(api.POST('/api/v1/business-hours/{id}/override', { params: { path: { id } }, body }))

export const clearOverride = (id: string) =>
  call(api.DELETE('/api/v1/business-hours/{id}/override', { params: { path: { id } } }))
