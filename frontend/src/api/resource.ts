import { keepPreviousData, queryOptions } from '@tanstack/react-query'
import { api, call, type OrgPaths as paths } from './client'
import { keys, type OrgResource } from './keys'

// One typed client for every configuration collection (`/api/v1/<things>` with list and create,
// `/api/v1/<things>/{id}` with get, patch and delete). The types are derived from the generated
// schema, so a changed field breaks the build of every screen that uses it.

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never

export type CollectionPath = {
  [P in keyof paths]: P extends `${string}/{${string}`
    ? never
    : `${P}/{id}` extends keyof paths
      ? paths[P] extends { get: unknown; post: unknown }
        ? P
        : never
      : never
}[keyof paths]

type ItemPath<P extends CollectionPath> = `${P}/{id}` & keyof paths

export type ListQuery<P extends CollectionPath> = NonNullable<
  paths[P] extends { get: { parameters: { query?: infer Q } } } ? Q : never
>
export type ListPage<P extends CollectionPath> = Json<
  paths[P] extends { get: { responses: { 200: infer R } } } ? R : never
>
export type ItemOf<P extends CollectionPath> = Json<
  paths[ItemPath<P>] extends { get: { responses: { 200: infer R } } } ? R : never
>
export type NewOf<P extends CollectionPath> = Json<
  paths[P] extends { post: { requestBody?: infer B } } ? NonNullable<B> : never
>
export type UpdateOf<P extends CollectionPath> = Json<
  paths[ItemPath<P>] extends { patch: { requestBody?: infer B } } ? NonNullable<B> : never
>

interface Untyped {
  request(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    init: { params?: object; body?: unknown; signal?: AbortSignal },
  ): Promise<{ data?: unknown; error?: unknown; response: Response }>
}

// The only loosely typed line: the generic path parameter cannot be narrowed inside openapi-fetch's
// overloads; every signature below is typed from the schema instead.
const untyped = api as unknown as Untyped

export interface Resource<P extends CollectionPath> {
  name: OrgResource
  fetchList(query: ListQuery<P>, signal?: AbortSignal): Promise<ListPage<P>>
  fetchOne(id: string, signal?: AbortSignal): Promise<ItemOf<P>>
  list(orgId: string, query: ListQuery<P>): ReturnType<typeof listOptions<P>>
  detail(orgId: string, id: string): ReturnType<typeof detailOptions<P>>
  create(body: NewOf<P>): Promise<ItemOf<P>>
  update(id: string, body: UpdateOf<P>): Promise<ItemOf<P>>
  remove(id: string): Promise<void>
}

function listOptions<P extends CollectionPath>(
  name: OrgResource,
  fetchList: Resource<P>['fetchList'],
  orgId: string,
  query: ListQuery<P>,
) {
  return queryOptions({
    queryKey: keys.list(orgId, name, query),
    queryFn: ({ signal }) => fetchList(query, signal),
    placeholderData: keepPreviousData,
  })
}

function detailOptions<P extends CollectionPath>(
  name: OrgResource,
  fetchOne: Resource<P>['fetchOne'],
  orgId: string,
  id: string,
) {
  return queryOptions({
    queryKey: keys.detail(orgId, name, id),
    queryFn: ({ signal }) => fetchOne(id, signal),
  })
}

export function resource<P extends CollectionPath>(path: P, name: OrgResource): Resource<P> {
  const item = `${path}/{id}`
  const byId = (id: string) => ({ path: { id } })
  const fetchList = (query: ListQuery<P>, signal?: AbortSignal) =>
    call(untyped.request('GET', path, { params: { query }, signal })) as Promise<ListPage<P>>
  const fetchOne = (id: string, signal?: AbortSignal) =>
    call(untyped.request('GET', item, { params: byId(id), signal })) as Promise<ItemOf<P>>
  return {
    name,
    fetchList,
    fetchOne,
    list: (orgId, query) => listOptions(name, fetchList, orgId, query),
    detail: (orgId, id) => detailOptions(name, fetchOne, orgId, id),
    create: (body) => call(untyped.request('POST', path, { body })) as Promise<ItemOf<P>>,
    update: (id, body) =>
      call(untyped.request('PATCH', item, { params: byId(id), body })) as Promise<ItemOf<P>>,
    remove: async (id) => {
      await call(untyped.request('DELETE', item, { params: byId(id) }))
    },
  }
}
