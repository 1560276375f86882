import { EyeIcon, RefreshCwIcon } from 'lucide-react'
import { useState } from 'react'
import { toast } from 'sonner'
import { api, call } from '@/api/client'
import { ConfirmDialog } from '@/components/confirm-dialog'
import { CopyField } from '@/components/copy-field'
import { Button } from '@/components/ui/button'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'

/** The extension's SIP password: masked until revealed, replaced by rotating; both confirmed first. */
export function SipPasswordCard({ extensionId }: { extensionId: string }) {
  const [shown, setShown] = useState<{ password: string; fresh: boolean } | null>(null)
  const params = { params: { path: { id: extensionId } } }

  return (
    <Card>
      <CardHeader>
        <CardTitle>SIP password</CardTitle>
        <CardDescription>
          What the phone uses to register. Stored encrypted; every reveal is in the audit log.
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        {shown ? (
          <CopyField
            label={shown.fresh ? 'New SIP password' : 'SIP password'}
            value={shown.password}
            hint={
              shown.fresh
                ? 'Phones with the old password stop registering until they get this one.'
                : undefined
            }
          />
        ) : (
          <p className="font-mono text-sm tracking-widest" aria-label="SIP password hidden">
            ••••••••••••
          </p>
        )}
        <div className="flex flex-wrap gap-2">
          <ConfirmDialog
            trigger={
              <Button variant="outline">
                <EyeIcon aria-hidden /> Reveal
              </Button>
            }
            title="Show the SIP password?"
            description="Anyone who sees it can register a phone as this extension. The reveal is recorded in the audit log."
            confirmLabel="Show password"
            onConfirm={async () => {
              const answer = await call(api.POST('/api/v1/extensions/{id}/sip-password/reveal', params))
              setShown({ password: answer.sip_password, fresh: false })
            }}
          />
          <ConfirmDialog
            trigger={
              <Button variant="outline">
                <RefreshCwIcon aria-hidden /> Rotate
              </Button>
            }
            title="Replace the SIP password?"
            description="A new password is generated at once. Phones using the current one stop registering until they are given the new one."
            confirmLabel="Replace password"
            destructive
            onConfirm={async () => {
              const answer = await call(api.POST('/api/v1/extensions/{id}/sip-password/rotate', params))
              setShown({ password: answer.sip_password, fresh: true })
              toast.success('SIP password replaced')
            }}
          />
        </div>
      </CardContent>
    </Card>
  )
}
