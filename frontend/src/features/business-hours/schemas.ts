import { z } from 'zod'
import type { Schemas } from '@/api/client'
import { type DestinationChoice, fromApi, toApi } from '@/lib/destination'
import { destination, name } from '@/lib/forms'
import { clock, DAY, parseClock } from './week'

// Limits from shared/src/http/api/rules.rs (MAX_RANGES, MAX_EXCEPTIONS) and the checks of
// shared/src/domain/schedule.rs (`validate`).
export const MAX_RANGES = 50
export const MAX_EXCEPTIONS = 100

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time such as 09:00')
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date')

const range = z.object({
  weekday: z.enum(['1', '2', '3', '4', '5', '6', '7']),
  start: time,
  // 00:00 as an end is midnight (the range runs to the end of its day).
  end: time,
})

const exception = z
  .object({
    name,
    mode: z.enum(['closed', 'open']),
    start_date: date,
    end_date: date,
    destination: destination.nullable(),
  })
  .refine((e) => e.end_date >= e.start_date, {
    path: ['end_date'],
    message: 'must not be before the first day',
  })

export const businessHoursSchema = z.object({
  name,
  timezone: z.string().min(1, 'is required'),
  status: z.enum(['active', 'inactive']),
  ranges: z.array(range).max(MAX_RANGES, `must have at most ${MAX_RANGES} ranges`),
  exceptions: z.array(exception).max(MAX_EXCEPTIONS, `must have at most ${MAX_EXCEPTIONS} exceptions`),
  open: destination,
  closed: destination,
})

export type BusinessHoursValues = z.infer<typeof businessHoursSchema>
export type RangeValues = BusinessHoursValues['ranges'][number]
export type ExceptionValues = BusinessHoursValues['exceptions'][number]
export type BusinessHoursView = Schemas['BusinessHoursView']

/**
 * Where server errors may land: `ranges[2].end_minute` on the third range's row (the form has
 * times, not minutes), `exceptions[0].destination` on the first exception's picker.
 */
export const businessHoursFields = [
  'name',
  'timezone',
  'status',
  'ranges',
  'ranges.*',
  'exceptions',
  'exceptions.*',
  'exceptions.*.name',
  'exceptions.*.mode',
  'exceptions.*.start_date',
  'exceptions.*.end_date',
  'exceptions.*.destination',
  'open',
  'closed',
]

export function newBusinessHours(timezone: string): BusinessHoursValues {
  return {
    name: '',
    timezone,
    status: 'active',
    ranges: [],
    exceptions: [],
    open: { type: 'hangup' },
    closed: { type: 'hangup' },
  }
}

export function weekdayRange(weekday: number, start: number, end: number): RangeValues {
  return {
    weekday: String(weekday) as RangeValues['weekday'],
    start: clock(start),
    // 24:00 is not a time an input takes; as an end, 00:00 means the same.
    end: clock(end % DAY),
  }
}

export function toValues(s: BusinessHoursView): BusinessHoursValues {
  return {
    name: s.name,
    timezone: s.timezone,
    status: s.status,
    ranges: s.ranges.map((r) => weekdayRange(r.weekday, r.start_minute, r.end_minute)),
    exceptions: s.exceptions.map((e) => ({
      name: e.name,
      mode: e.mode,
      start_date: e.start_date,
      end_date: e.end_date,
      destination: fromApi(e.destination),
    })),
    open: fromApi(s.open) ?? { type: 'hangup' },
    closed: fromApi(s.closed) ?? { type: 'hangup' },
  }
}

/** The form's ranges as the API's (minutes after local midnight). */
export function toRanges(ranges: readonly RangeValues[]): Schemas['Range'][] {
  return ranges.map((r) => ({
    weekday: Number(r.weekday),
    start_minute: parseClock(r.start) ?? 0,
    end_minute: parseClock(r.end) ?? 0,
  }))
}

const dest = (d: DestinationChoice | null) => (d ? toApi(d) : null)

export function toBody(v: BusinessHoursValues): Schemas['NewBusinessHours'] {
  return {
    name: v.name.trim(),
    // The zones offered come from this browser's Intl; the server judges the one chosen.
    timezone: v.timezone as Schemas['Timezone'],
    status: v.status,
    ranges: toRanges(v.ranges),
    exceptions: v.exceptions.map((e) => ({
      name: e.name.trim(),
      mode: e.mode,
      start_date: e.start_date,
      end_date: e.end_date,
      destination: dest(e.destination),
    })),
    open: toApi(v.open),
    closed: toApi(v.closed),
  }
}
