import { useEffect, useState } from 'react'
import { Link } from '@tanstack/react-router'
import { PageHeader } from '@/components/page-header'
import { EmptyState, ErrorState, LoadingState } from '@/components/states'
import { Badge } from '@/components/ui/badge'
import { Card } from '@/components/ui/card'
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table'
import { useMe } from '@/api/me'
import { destinationTypeLabels } from '@/lib/destination'
import { destinationScreen } from '@/lib/objects'
import { canReadConfig } from '@/lib/roles'
import { clock } from '@/lib/time'
import type { LiveCall } from './api'
import { type Connection, useLiveBoard } from './use-live-board'

const directions = { inbound: 'Inbound', outbound: 'Outbound', internal: 'Internal' } as const

/** Now, re-read every second: what the running timers count from. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [])
  return now
}

/** What the call is doing and for how long: ringing since it started, talking since it was answered. */
export function CallTimer({ call, now }: { call: LiveCall; now: number }) {
  const talking = call.answered_at != null
  const since = Date.parse(talking ? call.answered_at! : call.started_at)
  return (
    <span className="whitespace-nowrap">
      <Badge variant={talking ? 'success' : 'warning'}>{talking ? 'Talking' : 'Ringing'}</Badge>{' '}
      <span className="font-mono tabular-nums" aria-label={`for ${clock((now - since) / 1000)}`}>
        {clock((now - since) / 1000)}
      </span>
    </span>
  )
}

function ConnectionBadge({ connection }: { connection: Connection }) {
  const label = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' }[connection]
  return (
    <span role="status" aria-live="polite" className="flex items-center gap-2 text-sm">
      <span
        aria-hidden
        className={
          connection === 'live'
            ? 'size-2.5 animate-pulse rounded-full bg-success'
            : 'size-2.5 rounded-full bg-warning'
        }
      />
      {label}
    </span>
  )
}

/** Where routing last sent the call, as a link to that object's screen for those who may open it. */
export function Whereabouts({ location }: { location: LiveCall['location'] }) {
  const { user } = useMe()
  if (!location) return '—'
  const { destination, name } = location
  const screen = canReadConfig(user.role) ? destinationScreen(destination.type) : null
  const id = 'id' in destination ? destination.id : undefined
  return (
    <span className="whitespace-nowrap">
      <span className="text-muted-foreground">{destinationTypeLabels[destination.type]}</span>{' '}
      {screen && id ? (
        <Link to={screen} params={{ id }} className="text-primary underline-offset-4 hover:underline">
          {name}
        </Link>
      ) : (
        name
      )}
    </span>
  )
}

function Party({ number, name }: { number: string; name?: string | null }) {
  return (
    <span className="whitespace-nowrap">
      <span className="font-mono">{number || '—'}</span>
      {name && <span className="text-muted-foreground"> · {name}</span>}
    </span>
  )
}

export function LiveCallsPage() {
  const { query, connection } = useLiveBoard()
  const now = useNow()
  const calls = query.data?.data
  let body
  if (query.isError && !calls) body = <ErrorState error={query.error} onRetry={() => query.refetch()} />
  else if (!calls) body = <LoadingState />
  else if (calls.length === 0)
    body = <EmptyState title="No calls right now" description="Calls appear here the moment they start." />
  else
    body = (
      <Table aria-label="Calls in progress">
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            <TableHead>State</TableHead>
            <TableHead>Direction</TableHead>
            <TableHead>From</TableHead>
            <TableHead>To</TableHead>
            <TableHead>Where</TableHead>
            <TableHead className="hidden md:table-cell">Details</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {calls.map((c) => (
            <TableRow key={c.call_id}>
              <TableCell>
                <CallTimer call={c} now={now} />
              </TableCell>
              <TableCell>{c.direction ? directions[c.direction] : '—'}</TableCell>
              <TableCell>
                <Party number={c.from_number} name={c.caller_name} />
              </TableCell>
              <TableCell>
                <Party number={c.to_number} />
              </TableCell>
              <TableCell>
                <Whereabouts location={c.location} />
              </TableCell>
              <TableCell className="hidden md:table-cell">
                {c.call_log_id ? (
                  <Link
                    to="/call-logs/$id"
                    params={{ id: c.call_log_id }}
                    className="text-primary underline-offset-4 hover:underline"
                  >
                    Where it went
                  </Link>
                ) : (
                  '—'
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    )
  return (
    <>
      <PageHeader
        title="Live calls"
        description="Every call in progress in your organization, as it happens."
        actions={<ConnectionBadge connection={connection} />}
      />
      <Card>{body}</Card>
    </>
  )
}
