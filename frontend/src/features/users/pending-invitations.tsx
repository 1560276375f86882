import { useQuery } from '@tanstack/react-query'
import { SendIcon, XIcon } from 'lucide-react'
import { toast } from 'sonner'
import { api, call, type Schemas } from '@/api/client'
import { useMe } from '@/api/me'
import { problemMessage } from '@/api/problem'
import { ConfirmDialog } from '@/components/confirm-dialog'
import { Button } from '@/components/ui/button'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table'
import { announceInvitation } from '@/lib/invitations'
import { roleLabels } from '@/lib/roles'
import { dateTime } from '@/lib/time'
import { invitationsQuery, useInvitationMutation } from './api'

type Invitation = Schemas['PendingInvitationView']

function Actions({ invitation }: { invitation: Invitation }) {
  const path = { params: { path: { id: invitation.id } } }
  const resend = useInvitationMutation(() => call(api.POST('/api/v1/users/invitations/{id}/resend', path)))
  const revoke = useInvitationMutation(() => call(api.DELETE('/api/v1/users/invitations/{id}', path)))
  return (
    <div className="flex justify-end gap-1">
      <Button
        variant="ghost"
        size="sm"
        disabled={resend.isPending}
        onClick={() =>
          resend.mutateAsync(undefined).then(announceInvitation, (error: unknown) => {
            toast.error(problemMessage(error))
          })
        }
      >
        <SendIcon aria-hidden /> Resend
      </Button>
      <ConfirmDialog
        trigger={
          <Button variant="ghost" size="sm" className="text-destructive">
            <XIcon aria-hidden /> Revoke
          </Button>
        }
        title={`Revoke the invitation for ${invitation.email}?`}
        description="The link in their mail stops working at once. You can invite them again later."
        confirmLabel="Revoke"
        destructive
        onConfirm={async () => {
          await revoke.mutateAsync(undefined)
          toast.success(`Invitation for ${invitation.email} revoked`)
        }}
      />
    </div>
  )
}

/** The invitations not yet accepted (those for roles the caller may grant); nothing when none. */
export function PendingInvitations() {
  const { organization } = useMe()
  const { data } = useQuery(invitationsQuery(organization.id))
  if (!data || data.data.length === 0) return null
  return (
    <Card className="mt-6">
      <CardHeader>
        <CardTitle>Pending invitations</CardTitle>
        <CardDescription>Sent but not yet accepted. Times are in {organization.timezone}.</CardDescription>
      </CardHeader>
      <CardContent>
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Email</TableHead>
              <TableHead>Role</TableHead>
              <TableHead className="hidden md:table-cell">Invited by</TableHead>
              <TableHead className="hidden sm:table-cell">Expires</TableHead>
              <TableHead>
                <span className="sr-only">Actions</span>
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {data.data.map((i) => (
              <TableRow key={i.id}>
                <TableCell className="break-all">{i.email}</TableCell>
                <TableCell>{roleLabels[i.role]}</TableCell>
                <TableCell className="hidden md:table-cell">{i.invited_by ?? 'OpBX platform'}</TableCell>
                <TableCell className="hidden sm:table-cell">
                  {dateTime(i.expires_at, organization.timezone)}
                </TableCell>
                <TableCell>
                  <Actions invitation={i} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  )
}
