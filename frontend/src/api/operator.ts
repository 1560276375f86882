import { queryOptions, useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query'
import { platformSession } from '@/lib/session'
import { call, platformApi, type Schemas } from './client'
import { keys } from './keys'

export type Operator = Schemas['OperatorView']

const operatorKey = [...keys.platform, 'operator'] as const

export const operatorQuery = queryOptions({
  queryKey: operatorKey,
  queryFn: ({ signal }) => call(platformApi.GET('/api/v1/platform/auth/me', { signal })),
  staleTime: 60_000,
})

/** The signed-in platform operator (the platform layout loads them before any screen). */
export function useOperator(): Operator {
  return useSuspenseQuery(operatorQuery).data
}

export function useOperatorSignIn() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: Schemas['OperatorLogin']) =>
      call(platformApi.POST('/api/v1/platform/auth/login', { body })),
    onSuccess: (answer) => {
      queryClient.removeQueries({ queryKey: keys.platform })
      platformSession.set(answer.token, answer.expires_at)
      queryClient.setQueryData(operatorKey, answer.operator)
    },
  })
}

export function useOperatorSignOut() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: async () => {
      // Signing out locally must work even when the server cannot be reached.
      await call(platformApi.POST('/api/v1/platform/auth/logout')).catch(() => undefined)
    },
    onSettled: () => {
      platformSession.clear()
      queryClient.removeQueries({ queryKey: keys.platform })
    },
  })
}
