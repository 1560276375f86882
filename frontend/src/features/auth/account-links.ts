import { api, call, isApiError, type Schemas } from '@/api/client'

// The pages behind mailed one-time links (`/invitation#token=…`, `/reset-password#token=…`): the
// token rides in the fragment, which the browser never sends to a server.

/** The token of a link's fragment, or null when the link was cut short. */
export function tokenFromHash(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token')?.trim()
  return token ? token : null
}

export const acceptInvitation = (body: Schemas['InvitationAcceptance']) =>
  call(api.POST('/api/v1/auth/invitation', { body }))

export const requestReset = (body: Schemas['ResetRequest']) =>
  call(api.POST('/api/v1/auth/password-reset', { body }))

export const confirmReset = (body: Schemas['ResetConfirmation']) =>
  call(api.POST('/api/v1/auth/password-reset/confirm', { body }))

/** Whether a failed submit means the link itself is no good (unknown, used or expired: one answer). */
export function linkGone(error: unknown): string | null {
  return isApiError(error, 404) ? (error.problem.detail ?? 'This link is not valid.') : null
}
