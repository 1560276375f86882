import { queryOptions } from '@tanstack/react-query'
import { api, call } from './client'
import { keys } from './keys'

/**
 * What uses an object: for a destination, what routes calls to it; for a recording
 * (`recording`), what plays it.
 */
export const references = (orgId: string, type: string, id: string) =>
  queryOptions({
    // Under the organization: any change to its configuration may change what uses what.
    queryKey: [...keys.resource(orgId, 'references'), type, id] as const,
    queryFn: ({ signal }) =>
      call(api.GET('/api/v1/routing/references/{type}/{id}', { params: { path: { type, id } }, signal })),
  })
