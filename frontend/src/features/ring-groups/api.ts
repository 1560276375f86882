/** The ring-group list's sort fields (the API's `RingGroupList::SORT`). */
export const ringGroupSorts = ['name', 'strategy', 'status', 'created_at', 'updated_at'] as const
export type RingGroupSort = (typeof ringGroupSorts)[number]
