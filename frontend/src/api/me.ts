import { queryOptions, useQueryClient, useSuspenseQuery, useMutation } from '@tanstack/react-query'
import { session } from '@/lib/session'
import { api, call, type Schemas } from './client'
import { keys } from './keys'

export type Me = Schemas['MeResponse']

export const meQuery = queryOptions({
  queryKey: keys.me,
  queryFn: ({ signal }) => call(api.GET('/api/v1/auth/me', { signal })),
  staleTime: 60_000,
})

/** The signed-in user and their organization (the app layout loads them before any screen). */
export function useMe(): Me {
  return useSuspenseQuery(meQuery).data
}

export function useOrgId(): string {
  return useMe().organization.id
}

export type LoginRequest = Schemas['LoginRequest']

export function useSignIn() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: LoginRequest) => call(api.POST('/api/v1/auth/login', { body })),
    onSuccess: (answer) => {
      queryClient.clear()
      session.set(answer.token, answer.expires_at)
      queryClient.setQueryData(keys.me, { user: answer.user, organization: answer.organization })
    },
  })
}

export function useSignOut() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async () => {
      // Signing out locally must work even when the server cannot be reached.
      await call(api.POST('/api/v1/auth/logout')).catch(() => undefined)
    },
    onSettled: () => {
      session.clear()
      queryClient.clear()
    },
  })
}
