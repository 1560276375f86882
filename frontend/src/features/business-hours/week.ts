// The weekly-range maths of business hours, as the routing engine reads a range
// (shared/src/domain/schedule.rs): minutes after the schedule's local midnight, `weekday` 1 =
// Monday … 7 = Sunday; a range whose end is at or before its start runs past midnight into the
// next day (Sunday's into Monday's), and start = end means 24 hours.

export const DAY = 1440

export const weekdays = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']

export interface WeeklyRange {
  weekday: number
  start_minute: number
  end_minute: number
}

/** A piece of a range within one calendar day, for drawing: `[start, end)` minutes. */
export interface Segment {
  weekday: number
  start: number
  end: number
  /** The range it belongs to (its position in the list). */
  range: number
}

/** `HH:MM` (00:00 to 23:59, or 24:00) as minutes after midnight; null when it is not a time. */
export function parseClock(text: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(text.trim())
  if (!m) return null
  const minutes = Number(m[1]) * 60 + Number(m[2])
  return Number(m[2]) < 60 && minutes <= DAY ? minutes : null
}

/** Minutes after midnight as `HH:MM` (1440 is 24:00). */
export function clock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`
}

export function crossesMidnight(r: WeeklyRange): boolean {
  return r.end_minute <= r.start_minute
}

/** How long a range is open, in minutes (a 24-hour range is 1440). */
export function duration(r: WeeklyRange): number {
  return crossesMidnight(r) ? DAY - r.start_minute + r.end_minute : r.end_minute - r.start_minute
}

export function nextWeekday(weekday: number): number {
  return (weekday % 7) + 1
}

/** Each range cut at midnight: one segment on its own day, and one on the next for the tail. */
export function segments(ranges: readonly WeeklyRange[]): Segment[] {
  return ranges.flatMap((r, range) => {
    if (!crossesMidnight(r)) return [{ weekday: r.weekday, start: r.start_minute, end: r.end_minute, range }]
    const pieces: Segment[] = [{ weekday: r.weekday, start: r.start_minute, end: DAY, range }]
    if (r.end_minute > 0) pieces.push({ weekday: nextWeekday(r.weekday), start: 0, end: r.end_minute, range })
    return pieces
  })
}

/** A range in words: "Monday 09:00–17:00", "Friday 22:00 to Saturday 06:00", "Monday, all day". */
export function describe(r: WeeklyRange): string {
  const day = weekdays[r.weekday - 1] ?? `day ${r.weekday}`
  if (r.start_minute === r.end_minute || (r.start_minute === 0 && r.end_minute === DAY)) {
    return r.start_minute === 0 ? `${day}, all day` : `${day} ${clock(r.start_minute)}, for 24 hours`
  }
  if (!crossesMidnight(r)) return `${day} ${clock(r.start_minute)}–${clock(r.end_minute)}`
  if (r.end_minute === 0) return `${day} ${clock(r.start_minute)} to midnight`
  return `${day} ${clock(r.start_minute)} to ${weekdays[nextWeekday(r.weekday) - 1]} ${clock(r.end_minute)}`
}

/** The open minutes of the week, as `[start, end)` intervals on one 10080-minute week. */
function weekIntervals(ranges: readonly WeeklyRange[]): [number, number, number][] {
  const week = 7 * DAY
  return ranges.flatMap((r, i) => {
    const start = (r.weekday - 1) * DAY + r.start_minute
    const end = start + duration(r)
    // Sunday's range past midnight continues on Monday: split it at the end of the week.
    return end <= week
      ? [[start, end, i] as [number, number, number]]
      : [[start, week, i] as [number, number, number], [0, end - week, i] as [number, number, number]]
  })
}

/** The positions of ranges that overlap an earlier range of the list (open at the same time). */
export function overlapping(ranges: readonly WeeklyRange[]): number[] {
  const intervals = weekIntervals(ranges)
  const hits = new Set<number>()
  for (const [s1, e1, i] of intervals) {
    for (const [s2, e2, j] of intervals) {
      if (j < i && s1 < e2 && s2 < e1) hits.add(i)
    }
  }
  return [...hits].sort((a, b) => a - b)
}

/** Minutes open per week, counting overlapping ranges once. */
export function weeklyMinutes(ranges: readonly WeeklyRange[]): number {
  const sorted = weekIntervals(ranges).sort((a, b) => a[0] - b[0])
  let total = 0
  let [from, to] = [-1, -1]
  for (const [s, e] of sorted) {
    if (s > to) {
      total += to - from
      ;[from, to] = [s, e]
    } else {
      to = Math.max(to, e)
    }
  }
  return total + to - from
}
