import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { api, call, type Schemas } from '@/api/client'
import { keys } from '@/api/keys'
import { useOrgId } from '@/api/me'

export type CloudonixSettingsView = Schemas['CloudonixSettingsView']

export const cloudonixQuery = (orgId: string) =>
  queryOptions({
    queryKey: keys.resource(orgId, 'cloudonix'),
    queryFn: ({ signal }) => call(api.GET('/api/v1/settings/cloudonix', { signal })),
  })

/** The URLs to paste into Cloudonix (owners only: the CDR URL carries a secret). */
export const cloudonixUrlsQuery = (orgId: string) =>
  queryOptions({
    queryKey: [...keys.resource(orgId, 'cloudonix'), 'urls'] as const,
    queryFn: ({ signal }) => call(api.GET('/api/v1/settings/cloudonix/urls', { signal })),
  })

/** Settings and URLs are refetched after every change here (a first save creates the tokens). */
function useCloudonixMutation<I, O>(fn: (input: I) => Promise<O>) {
  const orgId = useOrgId()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: fn,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.resource(orgId, 'cloudonix') }),
  })
}

export const useSaveCloudonix = () =>
  useCloudonixMutation((body: Schemas['CloudonixSettingsInput']) =>
    call(api.PUT('/api/v1/settings/cloudonix', { body })),
  )

export const useIssueWebhookKey = () =>
  useCloudonixMutation(() => call(api.POST('/api/v1/settings/cloudonix/webhook-key')))

export const useRotateCdrToken = () =>
  useCloudonixMutation(() => call(api.POST('/api/v1/settings/cloudonix/cdr-token')))

export const useProvision = () =>
  useCloudonixMutation(() => call(api.POST('/api/v1/settings/cloudonix/provision')))
