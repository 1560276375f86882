import { queryOptions } from '@tanstack/react-query'
import { api, call, type Schemas } from '@/api/client'
import { keys } from '@/api/keys'

export type CallFlow = Schemas['CallFlow']
export type FlowNode = Schemas['FlowNode']

export const callFlow = (orgId: string, phoneNumberId: string) =>
  queryOptions({
    queryKey: keys.detail(orgId, 'call-flows', phoneNumberId),
    queryFn: ({ signal }) =>
      call(api.GET('/api/v1/routing/call-flow/{id}', { params: { path: { id: phoneNumberId } }, signal })),
  })
