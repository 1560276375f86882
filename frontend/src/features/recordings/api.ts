import { api, call } from '@/api/client'

/** The recording list's sort fields (the API's `RecordingList::SORT`). */
export const recordingSorts = ['name', 'duration_ms', 'size_bytes', 'created_at', 'updated_at'] as const
export type RecordingSort = (typeof recordingSorts)[number]

/** A recording's audio, fetched with the session's token (see ApiAudio). */
export const recordingAudio = (id: string) => (signal: AbortSignal) =>
  call(api.GET('/api/v1/recordings/{id}/audio', { params: { path: { id } }, parseAs: 'blob', signal }))
