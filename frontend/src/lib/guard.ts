import { notFound } from '@tanstack/react-router'
import { isApiError } from '@/api/client'
import type { Me } from '@/api/me'
import type { Role } from './roles'

/** A screen the signed-in role may not use (the server would answer 403). */
export class ForbiddenError extends Error {
  constructor() {
    super('Your role does not give access to this page.')
    this.name = 'ForbiddenError'
  }
}

/** A route `beforeLoad` that stops roles the server would refuse before anything is fetched. */
export function allow(may: (role: Role) => boolean) {
  return ({ context }: { context: { me: Me } }) => {
    if (!may(context.me.user.role)) throw new ForbiddenError()
  }
}

/** The loaded data, or the router's not-found page when the object is not in the organization. */
export async function orNotFound<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending
  } catch (e) {
    // Another organization's id is a 404, exactly like one that never existed; so is a malformed id.
    if (isApiError(e, 404) || isApiError(e, 400)) throw notFound()
    throw e
  }
}
