// The dashboard's period and how its buckets read. Dates are the organization's local dates
// (`2026-03-29`), `to` included; the API answers buckets with their local start
// (`2026-03-29T02:00+01:00`), so labels are read from that text, never from the browser's zone.

export type Bucket = 'hour' | 'day'

export interface Period {
  from: string
  to: string
}

export interface DashboardSearch {
  from?: string
  to?: string
}

const DATE = /^\d{4}-\d{2}-\d{2}$/
/** The API's widest range of daily buckets. */
export const MAX_DAYS = 366

/** `date` moved by `days` (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00Z`) - Date.parse(`${from}T00:00Z`)) / 86_400_000)
}

/** The route's `validateSearch`: two dates in order within the API's range, else nothing (today). */
export function dashboardSearch(raw: Record<string, unknown>): DashboardSearch {
  const from = typeof raw.from === 'string' && DATE.test(raw.from) ? raw.from : undefined
  const to = typeof raw.to === 'string' && DATE.test(raw.to) ? raw.to : undefined
  if (!from || !to) return {}
  const span = daysBetween(from, to)
  return span >= 0 && span < MAX_DAYS ? { from, to } : {}
}

/** The period the search names, today by default. */
export function periodOf(search: DashboardSearch, today: string): Period {
  return search.from && search.to ? { from: search.from, to: search.to } : { from: today, to: today }
}

/** One day is read hour by hour, longer periods day by day. */
export function bucketOf(period: Period): Bucket {
  return period.from === period.to ? 'hour' : 'day'
}

export interface Preset {
  label: string
  period: Period
}

export function presets(today: string): Preset[] {
  const yesterday = addDays(today, -1)
  return [
    { label: 'Today', period: { from: today, to: today } },
    { label: 'Yesterday', period: { from: yesterday, to: yesterday } },
    { label: 'Last 7 days', period: { from: addDays(today, -6), to: today } },
    { label: 'Last 30 days', period: { from: addDays(today, -29), to: today } },
  ]
}

/** `Sun, Mar 29`: a local date, formatted as a date (not an instant in the browser's zone). */
function dayLabel(date: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    weekday: 'short',
    month: 'short',
    day: 'numeric',
  }).format(new Date(`${date}T00:00Z`))
}

/**
 * The label of each bucket, from its local start: `14:00` for hours (with the offset when a
 * clock hour happens twice, as on the night clocks go back: `01:00 +01:00`, `01:00 +00:00`),
 * `Sun, Mar 29` for days.
 */
export function bucketLabels(localStarts: string[], bucket: Bucket, locale?: string): string[] {
  if (bucket === 'day') return localStarts.map((s) => dayLabel(s.slice(0, 10), locale))
  const hours = localStarts.map((s) => s.slice(11, 16))
  return hours.map((h, i) =>
    hours.indexOf(h) !== hours.lastIndexOf(h) ? `${h} ${localStarts[i]!.slice(16)}` : h,
  )
}

/** `Sun, Mar 29` or `Mar 1 – Mar 30` (`Sun, Mar 29 – Mon, Mar 30` would be noise). */
export function periodLabel(period: Period, locale?: string): string {
  if (period.from === period.to) return dayLabel(period.from, locale)
  const short = (d: string) =>
    new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'short', day: 'numeric' }).format(
      new Date(`${d}T00:00Z`),
    )
  return `${short(period.from)} – ${short(period.to)}`
}
