/** The IVR-menu list's sort fields (the API's `IvrMenuList::SORT`). */
export const ivrMenuSorts = ['name', 'status', 'created_at', 'updated_at'] as const
export type IvrMenuSort = (typeof ivrMenuSorts)[number]
