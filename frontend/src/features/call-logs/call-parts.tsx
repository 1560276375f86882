import { Badge } from '@/components/ui/badge'
import { callDirections, callStatuses, type CallDirection, type CallStatus } from './api'

const missed: CallStatus[] = ['busy', 'no_answer', 'failed', 'canceled']

export function CallStatusBadge({ status }: { status: CallStatus }) {
  const variant = missed.includes(status)
    ? 'destructive'
    : status === 'answered' || status === 'completed'
      ? 'success'
      : 'outline'
  return <Badge variant={variant}>{callStatuses[status]}</Badge>
}

export function DirectionLabel({ direction }: { direction: CallDirection }) {
  return <span>{callDirections[direction]}</span>
}

/** `+1 212… (Ada Lovelace)`: a number with the caller's name when known. */
export function Party({ number, name }: { number: string; name?: string | null }) {
  return (
    <span className="whitespace-nowrap">
      <span className="font-mono">{number || '—'}</span>
      {name && <span className="text-muted-foreground"> · {name}</span>}
    </span>
  )
}
