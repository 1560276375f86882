import { browserTimeZone, dateTime } from '@/lib/time'
import type { OrgStatus } from './api'

export const statusWords: Record<
  OrgStatus,
  { label: string; variant: 'success' | 'warning' | 'destructive' }
> = {
  active: { label: 'Active', variant: 'success' },
  suspended: { label: 'Suspended', variant: 'warning' },
  deleted: { label: 'Deleted', variant: 'destructive' },
}

export const statusLabel = (status: OrgStatus) => statusWords[status].label

/** Operators work across organizations in many zones: times read in the operator's own. */
export function localTime(iso: string | null | undefined): string {
  return dateTime(iso, browserTimeZone())
}
