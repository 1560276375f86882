import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query'
import { api, call, type Schemas } from '@/api/client'
import { keys } from '@/api/keys'
import { useOrgId } from '@/api/me'
import { PER_PAGE } from '@/lib/list-search'

export type VoicemailMessage = Schemas['VoicemailView']

/**
 * The inbox's view in the URL: one mailbox (an extension id) or all, new or heard messages, the
 * page, and the message a voicemail email links to (shown marked).
 */
export interface VoicemailSearch {
  extension?: string
  show?: 'new' | 'heard'
  page?: number
  message?: string
}

const ID = /^[0-9a-f-]{36}$/i

export function voicemailSearch(raw: Record<string, unknown>): VoicemailSearch {
  const out: VoicemailSearch = {}
  if (typeof raw.extension === 'string' && ID.test(raw.extension)) out.extension = raw.extension
  if (typeof raw.message === 'string' && ID.test(raw.message)) out.message = raw.message
  if (raw.show === 'new' || raw.show === 'heard') out.show = raw.show
  const page = Number(raw.page)
  if (Number.isInteger(page) && page > 1 && page < 100_000) out.page = page
  return out
}

export const voicemail = (orgId: string, search: VoicemailSearch) => {
  const query = {
    extension: search.extension,
    heard: search.show === undefined ? undefined : search.show === 'heard',
    page: search.page ?? 1,
    per_page: PER_PAGE,
  }
  return queryOptions({
    queryKey: keys.list(orgId, 'voicemail', query),
    queryFn: ({ signal }) => call(api.GET('/api/v1/voicemail', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  })
}

/** A message's audio from OpBX's storage, fetched with the session's token (see ApiAudio). */
export const voicemailAudio = (id: string) => (signal: AbortSignal) =>
  call(api.GET('/api/v1/voicemail/{id}/audio', { params: { path: { id } }, parseAs: 'blob', signal }))

function useInvalidateVoicemail() {
  const queryClient = useQueryClient()
  const orgId = useOrgId()
  return () => queryClient.invalidateQueries({ queryKey: keys.resource(orgId, 'voicemail') })
}

/** Marks a message heard (`true`) or new again (`false`). */
export function useMarkHeard() {
  const invalidate = useInvalidateVoicemail()
  return useMutation({
    mutationFn: ({ id, heard }: { id: string; heard: boolean }) => {
      const params = { path: { id } }
      return call(
        heard
          ? api.POST('/api/v1/voicemail/{id}/heard', { params })
          : api.POST('/api/v1/voicemail/{id}/unheard', { params }),
      )
    },
    onSuccess: invalidate,
  })
}

export function useDeleteVoicemail() {
  const invalidate = useInvalidateVoicemail()
  return useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/v1/voicemail/{id}', { params: { path: { id } } })),
    onSuccess: invalidate,
  })
}
