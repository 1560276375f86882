import { axisMax } from './scale'

// Loaded on its own (React.lazy): the dashboard's numbers show before the chart code arrives.
// A hand-drawn SVG rather than a chart library: a few stacked bars do not need 50 KB.

export interface ChartBar {
  label: string
  answered: number
  missed: number
  /** Neither answered nor missed yet (ringing, in progress). */
  other: number
}

const WIDTH = 720
const HEIGHT = 160
const AXIS = 28

/** Every how many bars a label fits under the axis (24 hours → every 3rd). */
function labelEvery(count: number): number {
  return Math.max(1, Math.ceil(count / 12))
}

function Legend() {
  const items = [
    ['Answered', 'bg-success'],
    ['Missed', 'bg-destructive'],
    ['Other', 'bg-muted-foreground/40'],
  ] as const
  return (
    <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted-foreground" aria-hidden>
      {items.map(([label, color]) => (
        <li key={label} className="flex items-center gap-1.5">
          <span className={`size-2.5 rounded-sm ${color}`} />
          {label}
        </li>
      ))}
    </ul>
  )
}

export default function CallsChart({ bars, title }: { bars: ChartBar[]; title: string }) {
  const total = (b: ChartBar) => b.answered + b.missed + b.other
  const max = axisMax(Math.max(0, ...bars.map(total)))
  const slot = (WIDTH - AXIS) / Math.max(1, bars.length)
  const bar = Math.min(40, slot * 0.7)
  const y = (n: number) => (n / max) * HEIGHT
  const every = labelEvery(bars.length)
  const calls = bars.reduce((sum, b) => sum + total(b), 0)
  const busiest = bars.reduce<ChartBar | undefined>(
    (best, b) => (!best || total(b) > total(best) ? b : best),
    undefined,
  )
  const summary =
    calls === 0
      ? `${title}: no calls`
      : `${title}: ${calls} calls, ${bars.reduce((s, b) => s + b.answered, 0)} answered, ${bars.reduce((s, b) => s + b.missed, 0)} missed; most at ${busiest!.label} (${total(busiest!)})`

  return (
    <figure className="flex flex-col gap-3">
      {/* Scrolls sideways on phones, so keyboard users must be able to focus it to scroll (axe's
          scrollable-region-focusable; a labelled region is the WCAG pattern). */}
      <div
        className="overflow-x-auto rounded-md outline-none focus-visible:ring-2 focus-visible:ring-ring"
        // oxlint-disable-next-line jsx-a11y/no-noninteractive-tabindex -- a scroll container is keyboard-operable only when focusable
        tabIndex={0}
        role="region"
        aria-label={`${title} (scrolls sideways)`}
      >
        <svg
          role="img"
          aria-label={summary}
          viewBox={`0 0 ${WIDTH} ${HEIGHT + 24}`}
          className="h-auto w-full min-w-[36rem]"
        >
          {[0, max / 2, max].map((tick) => (
            <g key={tick}>
              <line
                x1={AXIS}
                x2={WIDTH}
                y1={HEIGHT - y(tick)}
                y2={HEIGHT - y(tick)}
                className="stroke-border"
                strokeDasharray={tick === 0 ? undefined : '3 3'}
              />
              <text
                x={AXIS - 6}
                y={HEIGHT - y(tick) + 4}
                textAnchor="end"
                className="fill-muted-foreground text-[10px]"
              >
                {Number.isInteger(tick) ? tick : ''}
              </text>
            </g>
          ))}
          {bars.map((b, i) => {
            const x = AXIS + i * slot + (slot - bar) / 2
            const parts = [
              [b.answered, 'fill-success'],
              [b.missed, 'fill-destructive'],
              [b.other, 'fill-muted-foreground/40'],
            ] as const
            let top = HEIGHT
            return (
              <g key={i}>
                <title>{`${b.label}: ${total(b)} calls, ${b.answered} answered, ${b.missed} missed`}</title>
                {parts.map(([n, color]) => {
                  if (n === 0) return null
                  top -= y(n)
                  return <rect key={color} x={x} y={top} width={bar} height={y(n)} className={color} />
                })}
                {i % every === 0 && (
                  <text
                    x={x + bar / 2}
                    y={HEIGHT + 16}
                    textAnchor="middle"
                    className="fill-muted-foreground text-[10px]"
                  >
                    {b.label}
                  </text>
                )}
              </g>
            )
          })}
        </svg>
      </div>
      <figcaption className="flex flex-wrap items-center justify-between gap-2">
        <Legend />
      </figcaption>
      <details className="text-sm">
        <summary className="cursor-pointer text-muted-foreground hover:text-foreground">
          Show as a table
        </summary>
        <table className="mt-2 w-full text-left tabular-nums">
          <caption className="sr-only">{title}</caption>
          <thead className="text-muted-foreground">
            <tr>
              <th scope="col" className="py-1 font-medium">
                Time
              </th>
              {['Calls', 'Answered', 'Missed'].map((h) => (
                <th key={h} scope="col" className="py-1 text-right font-medium">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {bars.map((b, i) => (
              <tr key={i} className="border-t">
                <th scope="row" className="py-1 font-normal">
                  {b.label}
                </th>
                <td className="py-1 text-right">{total(b)}</td>
                <td className="py-1 text-right">{b.answered}</td>
                <td className="py-1 text-right">{b.missed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  )
}
