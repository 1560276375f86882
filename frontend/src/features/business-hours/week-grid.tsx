import { cn } from '@/lib/utils'
import { clock, DAY, describe, segments, type WeeklyRange, weekdays, weeklyMinutes } from './week'

const HOURS = [0, 6, 12, 18, 24]

/**
 * The week at a glance: a bar per weekday with its open hours, a range past midnight continuing
 * on the next day's bar. Screen readers get each day's hours as text instead.
 */
export function WeekGrid({ ranges, highlight }: { ranges: readonly WeeklyRange[]; highlight?: number[] }) {
  const pieces = segments(ranges)
  const hours = weeklyMinutes(ranges) / 60
  return (
    <figure className="m-0 flex flex-col gap-1.5">
      <div
        className="grid grid-cols-[2.5rem_1fr] items-end gap-2 text-[0.7rem] text-muted-foreground"
        aria-hidden
      >
        <span />
        <div className="relative h-4">
          {HOURS.map((h) => (
            <span
              key={h}
              className={cn(
                'absolute tabular-nums',
                h === 0 ? 'left-0' : h === 24 ? 'right-0' : '-translate-x-1/2',
              )}
              style={h > 0 && h < 24 ? { left: `${(h / 24) * 100}%` } : undefined}
            >
              {clock(h * 60)}
            </span>
          ))}
        </div>
      </div>
      <ul className="m-0 flex list-none flex-col gap-1 p-0" aria-label="Open hours by weekday">
        {weekdays.map((day, i) => {
          const own = pieces.filter((p) => p.weekday === i + 1)
          return (
            <li key={day} className="grid grid-cols-[2.5rem_1fr] items-center gap-2">
              <span className="text-xs font-medium" aria-hidden>
                {day.slice(0, 3)}
              </span>
              <div className="relative h-6 overflow-hidden rounded-sm bg-muted" aria-hidden>
                {HOURS.slice(1, -1).map((h) => (
                  <span
                    key={h}
                    className="absolute inset-y-0 w-px bg-border"
                    style={{ left: `${(h / 24) * 100}%` }}
                  />
                ))}
                {own.map((p) => (
                  <span
                    key={`${p.range}-${p.start}`}
                    className={cn(
                      'absolute inset-y-0.5 rounded-xs bg-primary/80',
                      highlight?.includes(p.range) && 'bg-warning',
                    )}
                    style={{
                      left: `${(p.start / DAY) * 100}%`,
                      width: `${((p.end - p.start) / DAY) * 100}%`,
                    }}
                    title={describe(ranges[p.range]!)}
                  />
                ))}
              </div>
              <span className="sr-only">
                {day}:{' '}
                {own.length ? own.map((p) => `${clock(p.start)} to ${clock(p.end)}`).join(', ') : 'closed'}
              </span>
            </li>
          )
        })}
      </ul>
      <figcaption className="text-xs text-muted-foreground">
        {ranges.length === 0
          ? 'Closed all week, except for exceptions and overrides.'
          : `Open ${Number.isInteger(hours) ? hours : hours.toFixed(1)} hours a week, in the schedule's time zone.`}
      </figcaption>
    </figure>
  )
}
