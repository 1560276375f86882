/** The recording list's sort fields (the API's `RecordingList::SORT`). */
export const recordingSorts = ['name', 'duration_ms', 'size_bytes', 'created_at', 'updated_at'] as const
export type RecordingSort = (typeof recordingSorts)[number]
