/** The announcement list's sort fields (the API's `AnnouncementList::SORT`). */
export const announcementSorts = ['name', 'created_at', 'updated_at'] as const
export type AnnouncementSort = (typeof announcementSorts)[number]
