import { api, call, type Schemas } from '@/api/client'

/** The outbound-route list's sort fields (the API's `OutboundRouteList::SORT`). */
export const outboundRouteSorts = ['priority', 'name', 'trunk', 'status', 'created_at', 'updated_at'] as const
export type OutboundRouteSort = (typeof outboundRouteSorts)[number]

/**
 * Where a number dialled from one of the organization's phones goes, decided by the routing
 * engine itself (the simulator's dry run): the saved routes, their order and the calling rules.
 */
export const testDialledNumber = (to: string): Promise<Schemas['SimulateResponse']> =>
  call(api.POST('/api/v1/routing/simulate', { body: { to, direction: 'subscriber' } }))
