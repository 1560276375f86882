/** The user list's sort fields (the API's `UserList::SORT`). */
export const userSorts = ['name', 'email', 'role', 'status', 'created_at'] as const
export type UserSort = (typeof userSorts)[number]
