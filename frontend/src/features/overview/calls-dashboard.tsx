import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { ArrowRightIcon, RadioIcon } from 'lucide-react'
import { lazy, type ReactNode, Suspense } from 'react'
import { useMe } from '@/api/me'
import { ErrorState, LoadingState } from '@/components/states'
import { Button } from '@/components/ui/button'
import { Card } from '@/components/ui/card'
import { Input } from '@/components/ui/input'
import { canReadConfig } from '@/lib/roles'
import { clock, today } from '@/lib/time'
import { type CallStats, callStats, liveCount } from './api'
import {
  bucketLabels,
  bucketOf,
  type DashboardSearch,
  MAX_DAYS,
  addDays,
  type Period,
  periodLabel,
  periodOf,
  presets,
} from './period'

const CallsChart = lazy(() => import('./calls-chart'))

function Stat({ label, value, hint }: { label: string; value: ReactNode; hint?: ReactNode }) {
  return (
    <div className="flex flex-col gap-0.5 rounded-lg border bg-card p-3">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="text-2xl font-semibold tabular-nums">{value}</dd>
      {hint && <dd className="text-xs text-muted-foreground">{hint}</dd>}
    </div>
  )
}

function seconds(value: number | null | undefined): string {
  return value == null ? '–' : clock(Math.round(value))
}

function LiveStat() {
  const { organization } = useMe()
  const live = useQuery(liveCount(organization.id))
  return (
    <Stat
      label="Live now"
      value={live.data ?? '–'}
      hint={
        <Link to="/live" className="inline-flex items-center gap-1 text-primary hover:underline">
          <RadioIcon className="size-3" aria-hidden /> Live board
        </Link>
      }
    />
  )
}

function PeriodPicker({ period, onChange }: { period: Period; onChange: (next: Period) => void }) {
  const { organization } = useMe()
  const now = today(organization.timezone)
  return (
    <div className="flex flex-wrap items-center gap-2">
      <div role="group" aria-label="Period" className="flex flex-wrap gap-1">
        {presets(now).map((p) => {
          const pressed = p.period.from === period.from && p.period.to === period.to
          return (
            <Button
              key={p.label}
              size="sm"
              variant={pressed ? 'secondary' : 'ghost'}
              aria-pressed={pressed}
              onClick={() => onChange(p.period)}
            >
              {p.label}
            </Button>
          )
        })}
      </div>
      <div className="flex items-center gap-1">
        <Input
          type="date"
          aria-label="From date"
          className="h-8 w-36"
          value={period.from}
          max={period.to}
          min={addDays(period.to, -(MAX_DAYS - 1))}
          onChange={(e) => e.target.value && onChange({ ...period, from: e.target.value })}
        />
        <span aria-hidden>–</span>
        <Input
          type="date"
          aria-label="To date"
          className="h-8 w-36"
          value={period.to}
          min={period.from}
          max={addDays(period.from, MAX_DAYS - 1)}
          onChange={(e) => e.target.value && onChange({ ...period, to: e.target.value })}
        />
      </div>
    </div>
  )
}

function share(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part / whole) * 100)}% of calls` : 'no calls'
}

/** A ranked list with a bar per row, relative to the first (busiest) one. */
function Ranking({
  title,
  rows,
  empty,
}: {
  title: string
  rows: { key: string; label: ReactNode; calls: number; detail?: string }[]
  empty: string
}) {
  const top = rows[0]?.calls ?? 0
  return (
    <Card className="p-4">
      <h3 className="text-sm font-semibold">{title}</h3>
      {rows.length === 0 ? (
        <p className="mt-2 text-sm text-muted-foreground">{empty}</p>
      ) : (
        <ol className="mt-2 flex flex-col gap-2" aria-label={title}>
          {rows.map((r) => (
            <li key={r.key} className="text-sm">
              <div className="flex items-baseline justify-between gap-2">
                <span className="min-w-0 truncate">{r.label}</span>
                <span className="shrink-0 text-muted-foreground tabular-nums">
                  {r.calls} {r.calls === 1 ? 'call' : 'calls'}
                  {r.detail && ` · ${r.detail}`}
                </span>
              </div>
              <div className="mt-1 h-1.5 rounded-full bg-muted" aria-hidden>
                <div
                  className="h-full rounded-full bg-primary/70"
                  style={{ width: `${top ? (r.calls / top) * 100 : 0}%` }}
                />
              </div>
            </li>
          ))}
        </ol>
      )}
    </Card>
  )
}

function Busiest({ stats, period }: { stats: CallStats; period: Period }) {
  const { user } = useMe()
  const linked = canReadConfig(user.role)
  return (
    <div className="grid gap-3 md:grid-cols-2">
      <Ranking
        title="Busiest numbers"
        empty="No calls on the organization’s numbers."
        rows={stats.busiest_numbers.map((n) => ({
          key: n.number,
          calls: n.calls,
          label: (
            <Link
              to="/call-logs"
              search={{ q: n.number, from: period.from, to: period.to }}
              className="font-medium text-primary tabular-nums hover:underline"
            >
              {n.number}
            </Link>
          ),
        }))}
      />
      <Ranking
        title="Busiest extensions"
        empty="No calls offered to an extension."
        rows={stats.busiest_extensions.map((e) => ({
          key: e.extension_id,
          calls: e.calls,
          detail: `${e.answered} answered`,
          label:
            linked && e.name ? (
              <Link
                to="/extensions/$id"
                params={{ id: e.extension_id }}
                className="font-medium text-primary hover:underline"
              >
                {e.name}
              </Link>
            ) : (
              (e.name ?? 'Deleted extension')
            ),
        }))}
      />
    </div>
  )
}

function Figures({ stats, period }: { stats: CallStats; period: Period }) {
  const bucket = bucketOf(period)
  const labels = bucketLabels(
    stats.buckets.map((b) => b.local_start),
    bucket,
  )
  const bars = stats.buckets.map((b, i) => ({
    label: labels[i]!,
    answered: b.answered,
    missed: b.missed,
    other: b.calls - b.answered - b.missed,
  }))
  const title = `Calls per ${bucket}, ${periodLabel(period)}`
  return (
    <>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <LiveStat />
        <Stat label="Calls" value={stats.calls} />
        <Stat label="Answered" value={stats.answered} hint={share(stats.answered, stats.calls)} />
        <Stat label="Missed" value={stats.missed} hint={share(stats.missed, stats.calls)} />
        <Stat label="Average wait" value={seconds(stats.average_wait_seconds)} hint="until answered" />
        <Stat label="Average talk" value={seconds(stats.average_talk_seconds)} hint="answered calls" />
      </dl>
      <Card className="p-4">
        <h3 className="mb-3 text-sm font-semibold">{title}</h3>
        <Suspense fallback={<LoadingState rows={3} label="Loading the chart…" />}>
          <CallsChart bars={bars} title={title} />
        </Suspense>
      </Card>
      <Busiest stats={stats} period={period} />
    </>
  )
}

/** Calls of a period in the organization's time zone: counts, the chart, the busiest numbers and extensions. */
export function CallsDashboard({
  search,
  onSearchChange,
}: {
  search: DashboardSearch
  onSearchChange: (next: DashboardSearch) => void
}) {
  const { organization } = useMe()
  const period = periodOf(search, today(organization.timezone))
  const stats = useQuery(callStats(organization.id, period))
  let body: ReactNode
  if (stats.isPending) body = <LoadingState rows={4} label="Loading call statistics…" />
  else if (stats.isError) body = <ErrorState error={stats.error} onRetry={() => void stats.refetch()} />
  else body = <Figures stats={stats.data} period={period} />
  return (
    <section aria-labelledby="calls-heading" className="flex flex-col gap-3">
      <div className="flex flex-col gap-2 sm:flex-row sm:items-center sm:justify-between">
        <h2 id="calls-heading" className="font-semibold">
          Calls{' '}
          <span className="font-normal text-muted-foreground">
            · {periodLabel(period)} · {organization.timezone.replace(/_/g, ' ')}
          </span>
        </h2>
        <PeriodPicker period={period} onChange={(next) => onSearchChange(next)} />
      </div>
      {body}
      <Link
        to="/call-logs"
        search={{ from: period.from, to: period.to }}
        className="inline-flex items-center gap-1 self-start text-sm text-primary hover:underline"
      >
        These calls in the history <ArrowRightIcon className="size-3" aria-hidden />
      </Link>
    </section>
  )
}
