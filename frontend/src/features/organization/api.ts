import { queryOptions } from '@tanstack/react-query'
import { api, call } from '@/api/client'
import { keys } from '@/api/keys'

export const organizationQuery = (orgId: string) =>
  queryOptions({
    queryKey: keys.resource(orgId, 'organization'),
    queryFn: ({ signal }) => call(api.GET('/api/v1/settings/organization', { signal })),
  })
