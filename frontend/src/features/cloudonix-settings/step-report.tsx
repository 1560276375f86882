import { useQuery, useQueryClient } from '@tanstack/react-query'
import {
  CheckCircle2Icon,
  CircleDashedIcon,
  CircleIcon,
  LoaderCircleIcon,
  MinusCircleIcon,
  XCircleIcon,
} from 'lucide-react'
import { useEffect } from 'react'
import { type JobView, isJobSettled, jobQuery, useRetryJob } from '@/api/jobs'
import { keys } from '@/api/keys'
import { useMe } from '@/api/me'
import { problemMessage } from '@/api/problem'
import { ErrorState, LoadingState } from '@/components/states'
import { Alert } from '@/components/ui/alert'
import { Badge } from '@/components/ui/badge'
import { Button } from '@/components/ui/button'
import { dateTime } from '@/lib/time'
import { type RowState, stepRows } from './steps'

const rowLook: Record<RowState, { icon: typeof CircleIcon; className: string; label: string }> = {
  pending: { icon: CircleDashedIcon, className: 'text-muted-foreground', label: 'Pending' },
  running: { icon: LoaderCircleIcon, className: 'animate-spin text-primary', label: 'Running' },
  done: { icon: CheckCircle2Icon, className: 'text-success', label: 'Done' },
  failed: { icon: XCircleIcon, className: 'text-destructive', label: 'Failed' },
  skipped: { icon: MinusCircleIcon, className: 'text-muted-foreground', label: 'Skipped' },
}

const jobLook: Record<
  JobView['state'],
  { text: string; variant: 'secondary' | 'warning' | 'success' | 'destructive' }
> = {
  pending: { text: 'Queued', variant: 'secondary' },
  running: { text: 'Running', variant: 'warning' },
  done: { text: 'Done', variant: 'success' },
  failed: { text: 'Failed', variant: 'destructive' },
}

/** The stages of a provisioning job with each one's state; what failed, and why. */
function StepReport({ job, timeZone }: { job: JobView; timeZone: string }) {
  const rows = stepRows(job)
  const look = jobLook[job.state]
  const withFailures = job.state === 'done' && job.report && !job.report.ok
  return (
    <div className="flex flex-col gap-3">
      <p className="flex flex-wrap items-center gap-2 text-sm">
        <Badge variant={look.variant}>{look.text}</Badge>
        <span className="text-muted-foreground">
          Started {dateTime(job.created_at, timeZone)}
          {job.attempts > 1 && ` · try ${job.attempts}`}
        </span>
      </p>
      {job.last_error && job.state !== 'done' && (
        <Alert variant={job.state === 'failed' ? 'destructive' : 'warning'}>
          {job.state === 'failed' ? 'Gave up: ' : `Retrying after ${dateTime(job.run_after, timeZone)}: `}
          {job.last_error}
        </Alert>
      )}
      {withFailures && (
        <Alert variant="warning">
          Finished, but some steps failed. Fix what they say, then provision again: it repairs only what is
          missing.
        </Alert>
      )}
      <ol aria-label="Provisioning steps" className="flex flex-col divide-y rounded-md border">
        {rows.map((row) => {
          const { icon: Icon, className, label } = rowLook[row.state]
          return (
            <li key={row.kind} data-state={row.state} className="flex gap-3 px-3 py-2 text-sm">
              <Icon aria-hidden className={`mt-0.5 size-4 shrink-0 ${className}`} />
              <div className="flex min-w-0 flex-1 flex-col gap-0.5">
                <span className="font-medium">{row.label}</span>
                {row.detail && (
                  <span className={row.state === 'failed' ? 'text-destructive' : 'text-muted-foreground'}>
                    {row.detail}
                  </span>
                )}
                {row.failures.length > 0 && (
                  <ul className="mt-1 flex flex-col gap-0.5 text-destructive">
                    {row.failures.map((f, i) => (
                      <li key={`${f.target}-${i}`}>
                        <span className="font-mono">{f.target}</span>: {f.detail}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
              <span className="shrink-0 text-xs text-muted-foreground">{label}</span>
            </li>
          )
        })}
      </ol>
    </div>
  )
}

/** A provisioning job followed live until it settles, with Retry once it has failed. */
export function ProvisionProgress({ jobId, canRetry }: { jobId: string; canRetry: boolean }) {
  const { organization } = useMe()
  const job = useQuery(jobQuery(organization.id, jobId))
  const retry = useRetryJob()
  const queryClient = useQueryClient()
  const settled = isJobSettled(job.data)
  // Once it settles, what it changed (provisioned at, the extensions' sync state) is fetched anew.
  useEffect(() => {
    if (settled) void queryClient.invalidateQueries({ queryKey: keys.org(organization.id) })
  }, [settled, queryClient, organization.id])
  if (job.isPending) return <LoadingState rows={3} label="Loading the provisioning job…" />
  if (job.isError) return <ErrorState error={job.error} onRetry={() => job.refetch()} />
  return (
    <div className="flex flex-col gap-3">
      <StepReport job={job.data} timeZone={organization.timezone} />
      {job.data.state === 'failed' && canRetry && (
        <div className="flex flex-col gap-2 sm:flex-row sm:items-center sm:justify-end">
          {retry.isError && <span className="text-sm text-destructive">{problemMessage(retry.error)}</span>}
          <Button variant="outline" onClick={() => retry.mutate(jobId)} disabled={retry.isPending}>
            {retry.isPending ? 'Retrying…' : 'Retry provisioning'}
          </Button>
        </div>
      )}
    </div>
  )
}
