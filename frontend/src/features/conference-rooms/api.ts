/** The conference-room list's sort fields (the API's `ConferenceRoomList::SORT`). */
export const conferenceRoomSorts = ['name', 'max_participants', 'status', 'created_at', 'updated_at'] as const
export type ConferenceRoomSort = (typeof conferenceRoomSorts)[number]
