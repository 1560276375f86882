import { type ListSearch, PER_PAGE } from '@/lib/list-search'

/** The announcement list's sort fields (the API's `AnnouncementList::SORT`). */
export const announcementSorts = ['name', 'created_at', 'updated_at'] as const
export type AnnouncementSort = (typeof announcementSorts)[number]

/** The API query of the list's view (announcements have no status to filter by). */
export function announcementListQuery({ q, page, sort }: ListSearch<AnnouncementSort>) {
  return { q, page: page ?? 1, per_page: PER_PAGE, sort }
}
