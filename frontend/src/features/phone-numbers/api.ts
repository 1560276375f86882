/** The phone-number list's sort fields (the API's `PhoneNumberList::SORT`). */
export const phoneNumberSorts = ['number', 'label', 'status', 'created_at', 'updated_at'] as const
export type PhoneNumberSort = (typeof phoneNumberSorts)[number]
