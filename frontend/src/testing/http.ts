import { HttpResponse, http } from 'msw'
import doc from '../../openapi.json'
import type { Problem, Schemas } from '@/api/client'
import type { paths } from '@/api/schema'

// MSW handlers typed from the API's `paths`: the resolver receives the typed request body and must
// answer the operation's success body (or a Response, e.g. `problem(...)`), so a mock cannot drift
// from the API any more than the app can.

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete'
type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>
type Success<O> = O extends { responses: infer R }
  ? R extends { 200: infer S }
    ? Json<S>
    : R extends { 201: infer S }
      ? Json<S>
      : R extends { 202: infer S }
        ? Json<S>
        : null
  : never
type Body<O> = O extends { requestBody?: infer B } ? Json<NonNullable<B>> : never

export interface Call<B> {
  request: Request
  url: URL
  params: Record<string, string>
  body: B
}

const documented = doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>

/** The documented success status of an operation (201 for creates, 204 for deletes, …). */
function successStatus(path: string, method: Method): number {
  const codes = Object.keys(documented[path]?.[method]?.responses ?? {}).filter((c) => c.startsWith('2'))
  return Number(codes[0] ?? 200)
}

export function on<P extends keyof paths, M extends Method>(
  method: M,
  path: P,
  resolve: (
    call: Call<Body<Operation<P, M>>>,
  ) => Success<Operation<P, M>> | Response | Promise<Success<Operation<P, M>> | Response>,
) {
  const url = new URL(path.replace(/\{(\w+)\}/g, ':$1'), globalThis.location.origin).href
  const status = successStatus(path, method)
  return http[method](url, async ({ request, params }) => {
    const text = ['get', 'delete'].includes(method) ? '' : await request.clone().text()
    const body = (text ? JSON.parse(text) : undefined) as Body<Operation<P, M>>
    const answer = await resolve({
      request,
      url: new URL(request.url),
      params: params as Record<string, string>,
      body,
    })
    if (answer instanceof Response) return answer
    if (status === 204) return new HttpResponse(null, { status })
    return HttpResponse.json(answer as object, { status })
  })
}

/** A problem+json answer, as the API sends them. */
export function problem(status: number, fields: Partial<Problem> = {}, headers: Record<string, string> = {}) {
  const body: Problem = { type: 'about:blank', title: fields.title ?? 'Error', status, ...fields }
  return HttpResponse.json(body, {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  })
}

/** One page of a list; `total_capped` says the API stopped counting at `total`. */
export function page<T>(
  data: T[],
  total = data.length,
  total_capped = false,
): { data: T[]; page: number; per_page: number; total: number; total_capped: boolean } {
  return { data, page: 1, per_page: 25, total, total_capped }
}

/** The call statistics of a period without calls. */
export function emptyStats(): Schemas['CallStats'] {
  return {
    timezone: 'Europe/London',
    bucket: 'hour',
    from: '2026-03-29T00:00:00Z',
    to: '2026-03-29T23:00:00Z',
    calls: 0,
    answered: 0,
    missed: 0,
    average_duration_seconds: null,
    average_wait_seconds: null,
    average_talk_seconds: null,
    buckets: [],
    busiest_numbers: [],
    busiest_extensions: [],
  }
}

/**
 * Every configuration collection answering an empty page, and the dashboard's call figures with
 * no calls (an organization with nothing yet).
 */
export function emptyCollections() {
  return [
    on('get', '/api/v1/call-logs/stats', () => emptyStats()),
    on('get', '/api/v1/live-calls', () => ({ data: [] })),
    on('get', '/api/v1/extensions', () => page([])),
    on('get', '/api/v1/phone-numbers', () => page([])),
    on('get', '/api/v1/ring-groups', () => page([])),
    on('get', '/api/v1/business-hours', () => page([])),
    on('get', '/api/v1/ivr-menus', () => page([])),
    on('get', '/api/v1/conference-rooms', () => page([])),
  ]
}

export type { Schemas }
