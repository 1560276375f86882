import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { call, platformApi, type Schemas } from '@/api/client'
import { keys } from '@/api/keys'
import { listSearch, PER_PAGE } from '@/lib/list-search'

export type PlatformOrganization = Schemas['PlatformOrganizationView']
export type OrgStatus = Schemas['OrgStatus']
export type PlatformAuditEntry = Schemas['PlatformAuditView']

/** The organization list's sort fields (the API's `OrganizationList::SORT`). */
export const organizationSorts = ['name', 'slug', 'status', 'created_at'] as const
export type OrganizationSort = (typeof organizationSorts)[number]
export const orgStatuses: readonly OrgStatus[] = ['active', 'suspended', 'deleted']

export interface OrganizationSearch {
  q?: string
  page?: number
  sort?: OrganizationSort | `-${OrganizationSort}`
  status?: OrgStatus
}

const listView = listSearch(organizationSorts)

/** The list's view in the URL: search, sort and page as every list has them, and an organization status. */
export function organizationSearch(raw: Record<string, unknown>): OrganizationSearch {
  const { q, page, sort } = listView(raw)
  const out: OrganizationSearch = {}
  if (q) out.q = q
  if (page) out.page = page
  if (sort) out.sort = sort
  const status = orgStatuses.find((s) => s === raw.status)
  if (status) out.status = status
  return out
}

export const organizationsQuery = (search: OrganizationSearch) => {
  const query = { ...search, page: search.page ?? 1, per_page: PER_PAGE }
  return queryOptions({
    queryKey: keys.platformList('organizations', query),
    queryFn: ({ signal }) =>
      call(platformApi.GET('/api/v1/platform/organizations', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  })
}

export const organizationQuery = (id: string) =>
  queryOptions({
    queryKey: keys.platformDetail('organizations', id),
    queryFn: ({ signal }) =>
      call(platformApi.GET('/api/v1/platform/organizations/{id}', { params: { path: { id } }, signal })),
  })

export const auditLogQuery = (page: number) =>
  queryOptions({
    queryKey: keys.platformList('audit-log', { page }),
    queryFn: ({ signal }) =>
      call(
        platformApi.GET('/api/v1/platform/audit-log', {
          params: { query: { page, per_page: PER_PAGE } },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
  })

/** A platform write: afterwards the lists, the organization and the audit log are refetched. */
function usePlatformMutation<A, R>(run: (arg: A) => Promise<R>) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: run,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.platform }),
  })
}

export const useCreateOrganization = () =>
  usePlatformMutation((body: Schemas['NewOrganization']) =>
    call(platformApi.POST('/api/v1/platform/organizations', { body })),
  )

export const useUpdateOrganization = (id: string) =>
  usePlatformMutation((body: Schemas['OrganizationChange']) =>
    call(platformApi.PATCH('/api/v1/platform/organizations/{id}', { params: { path: { id } }, body })),
  )

export const useInviteOwner = (id: string) =>
  usePlatformMutation((body: Schemas['OwnerInvitation']) =>
    call(
      platformApi.POST('/api/v1/platform/organizations/{id}/invitations', { params: { path: { id } }, body }),
    ),
  )

/** Suspend, reactivate or delete (soft). */
export type Lifecycle = 'suspend' | 'reactivate' | 'delete'

export const useLifecycle = (id: string) =>
  usePlatformMutation((action: Lifecycle) => {
    const params = { params: { path: { id } } }
    if (action === 'delete') return call(platformApi.DELETE('/api/v1/platform/organizations/{id}', params))
    if (action === 'suspend')
      return call(platformApi.POST('/api/v1/platform/organizations/{id}/suspend', params))
    return call(platformApi.POST('/api/v1/platform/organizations/{id}/reactivate', params))
  })
