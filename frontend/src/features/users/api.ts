import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { api, call } from '@/api/client'
import { keys } from '@/api/keys'
import { useOrgId } from '@/api/me'

/** The user list's sort fields (the API's `UserList::SORT`). */
export const userSorts = ['name', 'email', 'role', 'status', 'created_at'] as const
export type UserSort = (typeof userSorts)[number]

/** Pending invitations never outnumber a page: each is a person someone is waiting for. */
const INVITATIONS_PAGE = 100

export const invitationsQuery = (orgId: string) => {
  const query = { per_page: INVITATIONS_PAGE }
  return queryOptions({
    queryKey: keys.list(orgId, 'invitations', query),
    queryFn: ({ signal }) => call(api.GET('/api/v1/users/invitations', { params: { query }, signal })),
  })
}

/** An invitation call (send, resend, revoke), then the pending list again. */
export function useInvitationMutation<I, O>(fn: (input: I) => Promise<O>) {
  const orgId = useOrgId()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: fn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.resource(orgId, 'invitations') }),
  })
}
