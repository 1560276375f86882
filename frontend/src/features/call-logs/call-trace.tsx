import { Badge } from '@/components/ui/badge'
import { dateTime } from '@/lib/time'
import type { TraceEntry, TraceView } from './api'

const webhookLabels: Record<TraceEntry['webhook'], string> = {
  voice: 'Voice request',
  gather: 'Digits (gather)',
  dial: 'Dial result',
  session: 'Session update',
  cdr: 'CDR',
}

/** `+1.250 s`: when a request came, counted from the call's first one. */
function offset(ms: number): string {
  return `+${(ms / 1000).toFixed(3)} s`
}

function Entry({ entry, first }: { entry: TraceEntry; first: number }) {
  const fields = Object.entries(entry.request)
  return (
    <li className="rounded-md border">
      <details>
        <summary className="flex cursor-pointer flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm">
          <span className="w-20 font-mono text-muted-foreground tabular-nums">
            {offset(Date.parse(entry.at) - first)}
          </span>
          <span className="font-medium">{webhookLabels[entry.webhook]}</span>
          <Badge variant={entry.status < 400 ? 'outline' : 'destructive'}>{entry.status}</Badge>
          <span className="text-muted-foreground tabular-nums">
            answered in {entry.elapsed_ms.toFixed(1)} ms
          </span>
          {entry.truncated && <Badge variant="warning">cut to size</Badge>}
        </summary>
        <div className="grid gap-3 border-t p-3 lg:grid-cols-2">
          <div className="min-w-0">
            <h4 className="mb-1 text-xs font-semibold text-muted-foreground uppercase">Request</h4>
            <dl className="grid grid-cols-[minmax(6rem,auto)_1fr] gap-x-3 gap-y-0.5 font-mono text-xs">
              {fields.map(([name, value]) => (
                <div key={name} className="contents">
                  <dt className="text-muted-foreground">{name}</dt>
                  <dd className="break-all">{value}</dd>
                </div>
              ))}
            </dl>
          </div>
          <div className="min-w-0">
            <h4 className="mb-1 text-xs font-semibold text-muted-foreground uppercase">Answer</h4>
            <pre className="overflow-x-auto rounded bg-muted p-2 text-xs whitespace-pre-wrap break-all">
              {entry.response}
            </pre>
          </div>
        </div>
      </details>
    </li>
  )
}

/** Every webhook request of the call and what OpBX answered, in order; each opens to its details. */
export function CallTrace({ trace, timeZone }: { trace: TraceView; timeZone: string }) {
  const [head] = trace.entries
  if (!head)
    return (
      <p className="text-sm text-muted-foreground">
        No requests kept for this call (traces are kept 30 days).
      </p>
    )
  const first = Date.parse(head.at)
  return (
    <div className="flex flex-col gap-2">
      <p className="text-sm text-muted-foreground">
        First request {dateTime(head.at, timeZone)}; kept until {dateTime(trace.kept_until, timeZone)}.
        {trace.dropped > 0 &&
          ` ${trace.dropped} later requests were not kept: the call reached its 64 KiB trace limit.`}
      </p>
      <ol aria-label="Webhook requests" className="flex flex-col gap-2">
        {trace.entries.map((entry, i) => (
          <Entry key={i} entry={entry} first={first} />
        ))}
      </ol>
    </div>
  )
}
