import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { api, call, type Schemas } from './client'
import { keys } from './keys'
import { useOrgId } from './me'

export type JobView = Schemas['JobView']

/** Polled this often while a job may still change (it is pending or running). */
const JOB_POLL_MS = 1000

export const isJobSettled = (job: JobView | undefined) => job?.state === 'done' || job?.state === 'failed'

/** One background job, refetched every second until it is done or failed. */
export const jobQuery = (orgId: string, id: string) =>
  queryOptions({
    queryKey: keys.detail(orgId, 'jobs', id),
    queryFn: ({ signal }) => call(api.GET('/api/v1/jobs/{id}', { params: { path: { id } }, signal })),
    refetchInterval: (query) => (isJobSettled(query.state.data) ? false : JOB_POLL_MS),
  })

/**
 * Runs a failed job again. Everything of the organization is refetched afterwards: the sync state
 * of the objects the job was about changes with it.
 */
export function useRetryJob() {
  const orgId = useOrgId()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (id: string) => call(api.POST('/api/v1/jobs/{id}/retry', { params: { path: { id } } })),
    onSuccess: (job) => {
      queryClient.setQueryData(keys.detail(orgId, 'jobs', job.id), job)
      return queryClient.invalidateQueries({ queryKey: keys.org(orgId) })
    },
  })
}
