import { type ListSearch, PER_PAGE } from '@/lib/list-search'

/** The recording list's sort fields (the API's `RecordingList::SORT`). */
export const recordingSorts = ['name', 'duration_ms', 'size_bytes', 'created_at', 'updated_at'] as const
export type RecordingSort = (typeof recordingSorts)[number]

/** The API query of the list's view (recordings have no status to filter by). */
export function recordingListQuery({ q, page, sort }: ListSearch<RecordingSort>) {
  return { q, page: page ?? 1, per_page: PER_PAGE, sort }
}
