import { KeyRoundIcon, TriangleAlertIcon } from 'lucide-react'
import { useState } from 'react'
import { ConfirmDialog } from '@/components/confirm-dialog'
import { CopyField } from '@/components/copy-field'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { useIssueWebhookKey } from './api'

/**
 * The webhook key just issued, shown this once: OpBX keeps only its hash, so once this panel is
 * closed (or the page left) nobody can see it again.
 */
function IssuedKeyPanel({ webhookKey, onDone }: { webhookKey: string; onDone: () => void }) {
  return (
    <div className="flex flex-col gap-3 rounded-md border border-warning/50 p-4">
      <p className="flex items-start gap-2 text-sm font-medium">
        <TriangleAlertIcon aria-hidden className="mt-0.5 size-4 shrink-0 text-warning" />
        Copy this key now: it is shown only once. OpBX stores only a fingerprint of it and cannot show it
        again; if it is lost, issue a new one.
      </p>
      <CopyField
        label="New webhook key"
        value={webhookKey}
        hint="Paste it into the Cloudonix domain profile as “authorization-api-key” (Domain Request Authorization Key). The previous key no longer works."
      />
      <div className="flex justify-end">
        <Button onClick={onDone}>I have copied it</Button>
      </div>
    </div>
  )
}

/** Issues a webhook key by hand (provisioning issues and pushes one by itself). */
export function WebhookKeyCard({ issued }: { issued: boolean }) {
  const issue = useIssueWebhookKey()
  // Only in this component's state: never in the query cache, the URL or storage.
  const [shown, setShown] = useState<string | null>(null)
  if (shown) return <IssuedKeyPanel webhookKey={shown} onDone={() => setShown(null)} />
  return (
    <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
      <p className="text-sm text-muted-foreground">
        {issued
          ? 'A webhook key is issued. Cloudonix sends it with every webhook; OpBX refuses requests without it.'
          : 'No webhook key yet: provisioning issues one, or issue one here to set up Cloudonix by hand.'}
      </p>
      <ConfirmDialog
        trigger={
          <Button variant="outline" className="shrink-0">
            <KeyRoundIcon aria-hidden />
            Issue a webhook key
          </Button>
        }
        title="Issue a new webhook key?"
        description={
          issued ? (
            <Alert variant="warning">
              The current key stops working at once: Cloudonix’s calls are refused until you paste the new key
              into its domain profile. Provisioning replaces the key without a gap instead.
            </Alert>
          ) : (
            'The key is shown once, right after it is issued.'
          )
        }
        confirmLabel="Issue key"
        destructive={issued}
        onConfirm={async () => setShown((await issue.mutateAsync(undefined)).webhook_key)}
      />
    </div>
  )
}
