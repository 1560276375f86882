import { useSuspenseQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import type { ReactNode } from 'react'
import type { Schemas } from '@/api/client'
import { useMe } from '@/api/me'
import { ObjectLink } from '@/components/object-link'
import { PageHeader } from '@/components/page-header'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import { destinationTypeLabels } from '@/lib/destination'
import { clock, dateTime } from '@/lib/time'
import { type CallLogDetail, callLogs } from './api'
import { CallStatusBadge, DirectionLabel, Party } from './call-parts'
import { CallTrace } from './call-trace'

// The generated `PathStep` misreads the flattened destination's tag; a step is a destination
// with the name its target has now and the reason the call went there.
type Step = Schemas['Destination'] & { name?: string | null; reason: string }

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="text-sm">{children || '—'}</dd>
    </div>
  )
}

function StepTarget({ step }: { step: Step }) {
  const name = step.name ?? 'deleted since'
  switch (step.type) {
    case 'hangup':
      return <span>Hang up</span>
    case 'external_number':
      return (
        <span>
          Outside number <span className="font-mono">{step.number}</span>
        </span>
      )
    case 'voicemail':
      return (
        <span>
          Voicemail of <ObjectLink type="extension" id={step.id ?? ''} name={name} />
        </span>
      )
    default:
      return step.id && step.name ? (
        <ObjectLink type={step.type} id={step.id} name={step.name} />
      ) : (
        <span>
          {destinationTypeLabels[step.type]} ({name})
        </span>
      )
  }
}

function Path({ steps }: { steps: Step[] }) {
  if (steps.length === 0) return <p className="text-sm text-muted-foreground">Routing never saw this call.</p>
  return (
    <ol aria-label="Path" className="flex flex-col gap-3">
      {steps.map((step, i) => (
        <li key={i} className="flex gap-3">
          <span
            aria-hidden
            className="flex size-6 shrink-0 items-center justify-center rounded-full bg-muted text-xs font-medium"
          >
            {i + 1}
          </span>
          <div className="min-w-0">
            <StepTarget step={step} />
            <p className="text-sm text-muted-foreground">
              {step.reason ? `Why: ${step.reason}` : 'Reason not recorded'}
            </p>
          </div>
        </li>
      ))}
    </ol>
  )
}

function Summary({ call, timeZone }: { call: CallLogDetail; timeZone: string }) {
  return (
    <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3">
      <Fact label="Direction">
        <DirectionLabel direction={call.direction} />
      </Fact>
      <Fact label="Status">
        <CallStatusBadge status={call.status} />
      </Fact>
      <Fact label="Disposition">{call.disposition}</Fact>
      <Fact label="Started">{dateTime(call.started_at, timeZone)}</Fact>
      <Fact label="Answered">{dateTime(call.answered_at, timeZone)}</Fact>
      <Fact label="Ended">{dateTime(call.ended_at, timeZone)}</Fact>
      <Fact label="Duration">{call.duration_seconds == null ? '' : clock(call.duration_seconds)}</Fact>
      <Fact label="Talk time">{call.billsec == null ? '' : clock(call.billsec)}</Fact>
      <Fact label="CallSid">
        <span className="font-mono text-xs break-all">{call.call_sid}</span>
      </Fact>
      {call.recording_url && (
        <div className="col-span-full">
          <dt className="text-xs text-muted-foreground">Recording</dt>
          {/* A link, not a player: the recording is on Cloudonix's host, which the page's CSP does not load media from. */}
          <dd className="text-sm">
            <a
              href={call.recording_url}
              target="_blank"
              rel="noreferrer"
              className="text-primary hover:underline"
            >
              Open recording
            </a>
          </dd>
        </div>
      )}
    </dl>
  )
}

function Cdr({ cdr, timeZone }: { cdr: NonNullable<CallLogDetail['cdr']>; timeZone: string }) {
  return (
    <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3">
      <Fact label="Disposition">{cdr.disposition}</Fact>
      <Fact label="Duration">{clock(cdr.duration_seconds)}</Fact>
      <Fact label="Billed">{clock(cdr.billsec)}</Fact>
      <Fact label="From">
        <span className="font-mono">{cdr.from_number}</span>
      </Fact>
      <Fact label="To">
        <span className="font-mono">{cdr.to_number}</span>
      </Fact>
      <Fact label="Received">{dateTime(cdr.received_at, timeZone)}</Fact>
    </dl>
  )
}

export function CallLogPage({ id }: { id: string }) {
  const { organization } = useMe()
  const timeZone = organization.timezone
  const { data: call } = useSuspenseQuery(callLogs.detail(organization.id, id))
  return (
    <>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-x-2">
            <Party number={call.from_number} name={call.caller_name} /> <span aria-hidden>→</span>
            <span className="sr-only">to</span> <Party number={call.to_number} />
          </span>
        }
        description={
          <>
            {dateTime(call.started_at, timeZone)} ·{' '}
            <Link to="/call-logs" className="text-primary underline underline-offset-4">
              All calls
            </Link>
          </>
        }
      />
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>The call</CardTitle>
          </CardHeader>
          <CardContent>
            <Summary call={call} timeZone={timeZone} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Where it went</CardTitle>
            <CardDescription>Each destination in order, and why routing chose it.</CardDescription>
          </CardHeader>
          <CardContent>
            <Path steps={call.path as unknown as Step[]} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Cloudonix record (CDR)</CardTitle>
          </CardHeader>
          <CardContent>
            {call.cdr ? (
              <Cdr cdr={call.cdr} timeZone={timeZone} />
            ) : (
              <p className="text-sm text-muted-foreground">
                Not received yet: Cloudonix sends it after the hangup.
              </p>
            )}
          </CardContent>
        </Card>
        {call.trace && (
          <Card className="lg:col-span-2">
            <CardHeader>
              <CardTitle>Trace</CardTitle>
              <CardDescription>
                Every webhook request OpBX received for this call and what it answered. Secrets are masked.
              </CardDescription>
            </CardHeader>
            <CardContent>
              <CallTrace trace={call.trace} timeZone={timeZone} />
            </CardContent>
          </Card>
        )}
      </div>
    </>
  )
}
