// Every time the UI shows is in the organization's time zone (not the browser's): a call at
// 09:00 in New York reads 09:00 to an admin travelling in Berlin.

/** The browser's own time zone (a platform operator's, who works across organizations). */
export function browserTimeZone(): string {
  return new Intl.DateTimeFormat().resolvedOptions().timeZone
}

/** `Mar 1, 2026, 9:30:05 AM` in `timeZone`; an empty string for no time. */
export function dateTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return ''
  return new Intl.DateTimeFormat(undefined, { timeZone, dateStyle: 'medium', timeStyle: 'medium' }).format(
    new Date(iso),
  )
}

/** `1:05:09` or `5:09`: a duration in whole seconds, as call timers show it. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const pad = (n: number) => String(n).padStart(2, '0')
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`
}

/** Today's date (`2026-03-01`) in `timeZone`. */
export function today(timeZone: string, now = new Date()): string {
  // en-CA writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now)
}

/** The instant (RFC 3339) of the wall-clock `date` `time` (`2026-03-01`, `23:30`) in `timeZone`. */
export function zonedInstant(date: string, time: string, timeZone: string): string {
  const [y = 0, mo = 1, d = 1] = date.split('-').map(Number)
  const [h = 0, mi = 0] = time.split(':').map(Number)
  const wall = Date.UTC(y, mo - 1, d, h, mi)
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  })
  // How far the zone's clock is ahead of UTC at `at`.
  const offset = (at: number) => {
    const p = Object.fromEntries(format.formatToParts(at).map((x) => [x.type, Number(x.value)]))
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - at
  }
  // Twice: the first guess may sit on the other side of a DST change from the answer.
  const first = wall - offset(wall)
  return new Date(wall - offset(first)).toISOString()
}
