/** The extension list's sort fields (the API's `ExtensionList::SORT`; without one: by number). */
export const extensionSorts = ['name', 'status', 'created_at', 'updated_at'] as const
export type ExtensionSort = (typeof extensionSorts)[number]
