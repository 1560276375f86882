import { useQuery, useSuspenseQuery } from '@tanstack/react-query'
import { RefreshCwIcon, SendIcon } from 'lucide-react'
import { toast } from 'sonner'
import { useMe } from '@/api/me'
import { problemMessage } from '@/api/problem'
import { ConfirmDialog } from '@/components/confirm-dialog'
import { CopyField } from '@/components/copy-field'
import { PageHeader } from '@/components/page-header'
import { RetrySyncButton, SYNC_POLL_MS, SyncBadge } from '@/components/sync-state'
import { ErrorState, LoadingState } from '@/components/states'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import { canWriteOrganization } from '@/lib/roles'
import { dateTime } from '@/lib/time'
import {
  type CloudonixSettingsView,
  cloudonixQuery,
  cloudonixUrlsQuery,
  useProvision,
  useRotateCdrToken,
} from './api'
import { ConnectionForm } from './connection-form'
import { ProvisionProgress } from './step-report'
import { WebhookKeyCard } from './webhook-key'

/** The three URLs Cloudonix calls, each with a copy button (owners only: the CDR URL is a secret). */
function WebhookUrls() {
  const { organization } = useMe()
  const urls = useQuery(cloudonixUrlsQuery(organization.id))
  const rotate = useRotateCdrToken()
  if (urls.isPending) return <LoadingState rows={3} label="Loading the webhook URLs…" />
  if (urls.isError) return <ErrorState error={urls.error} onRetry={() => urls.refetch()} />
  const { voice_application_url, session_update_endpoint, cdr_endpoint } = urls.data
  return (
    <div className="flex flex-col gap-4">
      <CopyField
        label="Voice application URL"
        value={voice_application_url}
        hint="The voice application’s URL; its method must be POST."
      />
      <CopyField
        label="Session update endpoint"
        value={session_update_endpoint}
        hint="The domain profile’s “session-update-endpoint”: live call states."
      />
      {cdr_endpoint ? (
        <CopyField
          label="CDR endpoint"
          value={cdr_endpoint}
          hint="The domain profile’s “cdr-endpoint”: call records. Its token is a secret."
        />
      ) : (
        <p className="text-sm text-muted-foreground">The CDR endpoint appears once the settings are saved.</p>
      )}
      {cdr_endpoint && (
        <div className="flex justify-end">
          <ConfirmDialog
            trigger={
              <Button variant="outline">
                <RefreshCwIcon aria-hidden />
                New CDR token
              </Button>
            }
            title="Replace the CDR token?"
            description="The current CDR endpoint stops working at once: Cloudonix’s call records are refused until the new URL is in its domain profile (provisioning puts it there)."
            confirmLabel="Replace token"
            destructive
            onConfirm={async () => {
              await rotate.mutateAsync(undefined)
              toast.success('New CDR endpoint issued')
            }}
          />
        </div>
      )}
    </div>
  )
}

function ProvisionCard({
  settings,
  owner,
  jobId,
  onJob,
}: {
  settings: CloudonixSettingsView
  owner: boolean
  jobId: string | undefined
  onJob: (id: string) => void
}) {
  const { organization } = useMe()
  const provision = useProvision()
  const ready = settings.domain != null && settings.api_key != null
  const start = () =>
    provision.mutate(undefined, {
      onSuccess: (job) => onJob(job.id),
      onError: (e) => toast.error(problemMessage(e)),
    })
  return (
    <Card>
      <CardHeader>
        <CardTitle>Provisioning</CardTitle>
        <CardDescription>
          Pushes everything to Cloudonix: the voice application, the domain profile with a fresh webhook key
          (the old one keeps working for 10 minutes) and a subscriber per extension. Running it again is safe
          and repairs what is missing.
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <dl className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="text-muted-foreground">Last completed</dt>
          <dd>
            {settings.provisioned_at ? dateTime(settings.provisioned_at, organization.timezone) : 'Never'}
          </dd>
          <dt className="text-muted-foreground">Voice application</dt>
          <dd className="font-mono">{settings.voice_application_id ?? '—'}</dd>
        </dl>
        {owner && (
          <div className="flex flex-col gap-2 sm:flex-row sm:items-center sm:justify-end">
            {!ready && (
              <span className="text-sm text-muted-foreground">Save the domain and API key first.</span>
            )}
            <Button onClick={start} disabled={!ready || provision.isPending}>
              <SendIcon aria-hidden />
              {provision.isPending ? 'Starting…' : 'Provision'}
            </Button>
          </div>
        )}
        {jobId && <ProvisionProgress key={jobId} jobId={jobId} canRetry={owner} />}
      </CardContent>
    </Card>
  )
}

/** Whether Cloudonix holds what was saved: each save is pushed by a background job. */
function DomainSync({ owner }: { owner: boolean }) {
  const { organization } = useMe()
  const { data } = useQuery({
    ...cloudonixQuery(organization.id),
    refetchInterval: (query) =>
      query.state.data?.cloudonix_sync?.state === 'pending' ? SYNC_POLL_MS : false,
  })
  const sync = data?.cloudonix_sync
  if (!sync) return null
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <span className="text-muted-foreground">In Cloudonix:</span>
      <SyncBadge sync={sync} />
      {sync.state === 'failed' && sync.error && <span className="text-muted-foreground">{sync.error}</span>}
      {sync.state === 'failed' && sync.job_id && owner && <RetrySyncButton jobId={sync.job_id} />}
    </div>
  )
}

function DomainFacts({ settings }: { settings: CloudonixSettingsView }) {
  if (!settings.domain) return null
  if (!settings.domain_name)
    return (
      <Alert variant="warning">
        Cloudonix could not be asked about this domain with this key yet; check both, then save again.
      </Alert>
    )
  return (
    <p className="text-sm text-muted-foreground">
      Cloudonix knows it as <span className="font-mono text-foreground">{settings.domain_name}</span>
      {settings.domain_uuid && (
        <>
          {' '}
          (<span className="font-mono">{settings.domain_uuid}</span>)
        </>
      )}
      .
    </p>
  )
}

export function CloudonixPage({ jobId, onJob }: { jobId: string | undefined; onJob: (id: string) => void }) {
  const { user, organization } = useMe()
  const { data: settings } = useSuspenseQuery(cloudonixQuery(organization.id))
  const owner = canWriteOrganization(user.role)
  return (
    <>
      <PageHeader
        title="Cloudonix"
        description={
          owner ? 'Where your calls happen, and how it reaches OpBX.' : 'Only owners change these settings.'
        }
      />
      <div className="flex flex-col gap-4">
        <Card>
          <CardHeader>
            <CardTitle>Connection</CardTitle>
            <CardDescription>The Cloudonix domain and its API key.</CardDescription>
          </CardHeader>
          <CardContent className="flex flex-col gap-4">
            {/* A new baseline after each save: the masked key and whether one is stored changed. */}
            <ConnectionForm key={settings.updated_at ?? 'new'} settings={settings} owner={owner} />
            <DomainFacts settings={settings} />
            <DomainSync owner={owner} />
          </CardContent>
        </Card>
        {owner && (
          <Card>
            <CardHeader>
              <CardTitle>Webhook URLs</CardTitle>
              <CardDescription>
                What Cloudonix calls; provisioning sets them, or paste them by hand.
              </CardDescription>
            </CardHeader>
            <CardContent>
              <WebhookUrls />
            </CardContent>
          </Card>
        )}
        {owner && (
          <Card>
            <CardHeader>
              <CardTitle>Webhook key</CardTitle>
              <CardDescription>The bearer key Cloudonix sends with every webhook.</CardDescription>
            </CardHeader>
            <CardContent>
              <WebhookKeyCard issued={settings.webhook_bearer_issued} />
            </CardContent>
          </Card>
        )}
        <ProvisionCard settings={settings} owner={owner} jobId={jobId} onJob={onJob} />
      </div>
    </>
  )
}
