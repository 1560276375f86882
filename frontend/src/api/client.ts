import createClient, { type Middleware } from 'openapi-fetch'
import { platformSession, type Session, session } from '@/lib/session'
import type { components, paths } from './schema'

export type Schemas = components['schemas']
export type Problem = Schemas['Problem']

// The platform operators' routes and the organizations' routes take different tokens: each client
// knows only its own paths, so a screen cannot send an organization token to /platform or the
// other way round.
type PlatformPath = Extract<keyof paths, `/api/v1/platform/${string}`>
export type PlatformPaths = Pick<paths, PlatformPath>
export type OrgPaths = Omit<paths, PlatformPath>

/** A failed API call: the server's problem document, with the status and Retry-After seconds. */
export class ApiError extends Error {
  readonly status: number
  readonly problem: Problem
  readonly retryAfter: number | null

  constructor(status: number, problem: Problem, retryAfter: number | null = null) {
    super(problem.detail ?? problem.title)
    this.name = 'ApiError'
    this.status = status
    this.problem = problem
    this.retryAfter = retryAfter
  }
}

export function isApiError(e: unknown, status?: number): e is ApiError {
  return e instanceof ApiError && (status === undefined || e.status === status)
}

let unauthorized: () => void = () => {}
let platformUnauthorized: () => void = () => {}

/** What to do when a signed-in request answers 401 (the app sends the user to /login?next=). */
export function onUnauthorized(handler: () => void) {
  unauthorized = handler
}

/** The same for an operator's request (to /platform/login?next=). */
export function onPlatformUnauthorized(handler: () => void) {
  platformUnauthorized = handler
}

function bearer(store: Session, expired: () => void): Middleware {
  return {
    onRequest({ request }) {
      const token = store.token()
      if (token) request.headers.set('Authorization', `Bearer ${token}`)
      return request
    },
    onResponse({ request, response }) {
      if (response.status === 401 && request.headers.has('Authorization')) {
        store.clear()
        expired()
      }
      return response
    },
  }
}

function client<P extends object>() {
  return createClient<P>({
    baseUrl: globalThis.location?.origin ?? '',
    // Looked up per request so test servers that patch fetch after start-up still see the calls.
    fetch: (request) => globalThis.fetch(request),
  })
}

/** The organization API, with the signed-in user's token. */
export const api = client<OrgPaths>()
api.use(bearer(session, () => unauthorized()))

/** The platform API (`/api/v1/platform/…`), with the operator's token. */
export const platformApi = client<PlatformPaths>()
platformApi.use(bearer(platformSession, () => platformUnauthorized()))

/** An answer's body as a problem document, made up from the status when the body is none. */
export function asProblem(body: unknown, status: number, statusText = ''): Problem {
  if (body && typeof body === 'object' && 'title' in body && 'status' in body) return body as Problem
  return {
    type: 'about:blank',
    title: statusText || 'Request failed',
    status,
    detail: typeof body === 'string' && body ? body : null,
  }
}

/** The error of a request that never got an answer. */
export function unreachable(): ApiError {
  return new ApiError(0, {
    type: 'about:blank',
    title: 'Cannot reach OpBX',
    status: 0,
    detail: 'Check your connection and try again.',
  })
}

/**
 * For requests made outside `api` (uploads with progress): the signed-in user's token, and what
 * to do when the answer says it is no longer valid.
 */
export const orgSession = {
  token: () => session.token(),
  expired() {
    session.clear()
    unauthorized()
  },
}

function retryAfterSeconds(response: Response): number | null {
  const header = response.headers.get('Retry-After')
  if (!header) return null
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return seconds
  const at = Date.parse(header)
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000))
}

/** The data of a call, or an ApiError carrying its problem document (status 0: unreachable). */
export async function call<D>(
  pending: Promise<{ data?: D; error?: unknown; response: Response }>,
): Promise<D> {
  let result: { data?: D; error?: unknown; response: Response }
  try {
    result = await pending
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw unreachable()
  }
  const { data, error, response } = result
  if (!response.ok)
    throw new ApiError(
      response.status,
      asProblem(error, response.status, response.statusText),
      retryAfterSeconds(response),
    )
  return data as D
}
