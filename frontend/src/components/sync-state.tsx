import { RotateCwIcon } from 'lucide-react'
import { toast } from 'sonner'
import type { Schemas } from '@/api/client'
import { useRetryJob } from '@/api/jobs'
import { problemMessage } from '@/api/problem'
import { Badge } from './ui/badge'
import { Button } from './ui/button'

type SyncView = Schemas['CloudonixSync']

/** How often a page showing a pending sync asks again. */
export const SYNC_POLL_MS = 2000

const labels: Record<
  SyncView['state'],
  { text: string; variant: 'success' | 'warning' | 'destructive' | 'outline' }
> = {
  synced: { text: 'Synced', variant: 'success' },
  pending: { text: 'Syncing', variant: 'warning' },
  failed: { text: 'Sync failed', variant: 'destructive' },
  not_configured: { text: 'Not synced', variant: 'outline' },
}

/** Whether Cloudonix matches the object, as a badge (the reason of a failure as its tooltip). */
export function SyncBadge({ sync }: { sync: SyncView | null | undefined }) {
  if (!sync) return null
  const { text, variant } = labels[sync.state]
  return (
    <Badge variant={variant} title={sync.state === 'failed' ? (sync.error ?? undefined) : undefined}>
      {text}
    </Badge>
  )
}

/** Runs the object's failed sync job again. */
export function RetrySyncButton({ jobId }: { jobId: string }) {
  const retry = useRetryJob()
  return (
    <Button
      variant="outline"
      size="sm"
      disabled={retry.isPending}
      onClick={() =>
        retry.mutate(jobId, {
          onSuccess: () => toast.success('Sync queued again'),
          onError: (e) => toast.error(problemMessage(e)),
        })
      }
    >
      <RotateCwIcon aria-hidden />
      {retry.isPending ? 'Retrying…' : 'Retry'}
    </Button>
  )
}

const explain: Record<SyncView['state'], string> = {
  synced: 'Cloudonix has this as OpBX does.',
  pending: 'The change is on its way to Cloudonix.',
  failed: 'Cloudonix does not have the latest change.',
  not_configured: 'Cloudonix is not connected yet (Settings › Cloudonix), so nothing is sent.',
}

/** The sync state on an object's page: badge, what it means, the reason of a failure and Retry. */
export function SyncStatus({ sync, canRetry }: { sync: SyncView | null | undefined; canRetry: boolean }) {
  if (!sync) return null
  return (
    <div
      role="status"
      aria-label="Cloudonix sync"
      className="flex flex-col gap-2 rounded-md border px-4 py-3 text-sm sm:flex-row sm:items-center"
    >
      <div className="flex min-w-0 flex-1 flex-col gap-1">
        <span className="flex items-center gap-2">
          <span className="font-medium">Cloudonix</span>
          <SyncBadge sync={sync} />
        </span>
        <span className="text-muted-foreground">{explain[sync.state]}</span>
        {sync.state === 'failed' && sync.error && <span className="text-destructive">{sync.error}</span>}
      </div>
      {sync.state === 'failed' && sync.job_id && canRetry && <RetrySyncButton jobId={sync.job_id} />}
    </div>
  )
}
