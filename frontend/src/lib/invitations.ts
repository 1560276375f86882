import { toast } from 'sonner'
import type { Schemas } from '@/api/client'

/** What to tell after an invitation was stored: mailed, or kept but not mailed. */
export function announceInvitation(invitation: Schemas['InvitationView']) {
  if (invitation.sent) toast.success(`Invitation sent to ${invitation.email}`)
  else
    toast.warning(
      `The invitation for ${invitation.email} is saved but the mail could not be sent: try again later.`,
    )
}
