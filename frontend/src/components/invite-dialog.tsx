import { MailPlusIcon } from 'lucide-react'
import { useState } from 'react'
import { useWatch } from 'react-hook-form'
import { z } from 'zod'
import type { Schemas } from '@/api/client'
import { email } from '@/lib/forms'
import { announceInvitation } from '@/lib/invitations'
import { type Role, roleDescriptions, roleLabels } from '@/lib/roles'
import { useApiForm } from '@/lib/use-api-form'
import { Field } from './field'
import { ApiForm } from './form-parts'
import { Button } from './ui/button'
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from './ui/dialog'
import { Input, NativeSelect } from './ui/input'

const schema = z.object({ email, role: z.enum(['owner', 'pbx_admin', 'pbx_user', 'reporter']) })
type Values = z.infer<typeof schema>

/**
 * "Invite" as a dialog: an email, and a role among `roles` (all the caller may grant) unless
 * the role is fixed. Field errors of the server (409 on the email, 422) land on their fields.
 */
export function InviteDialog({
  label,
  description,
  roles,
  onInvite,
}: {
  label: string
  description: string
  /** The roles to choose from; the first is preselected. One role: no choice shown. */
  roles: [Role, ...Role[]]
  onInvite: (values: Values) => Promise<Schemas['InvitationView']>
}) {
  const [open, setOpen] = useState(false)
  const defaultValues: Values = { email: '', role: roles.includes('pbx_user') ? 'pbx_user' : roles[0] }
  const { form, submit } = useApiForm({
    schema,
    defaultValues,
    fields: ['email', 'role'],
    baseline: () => defaultValues,
    onSubmit: async (values) => {
      announceInvitation(await onInvite({ email: values.email.trim(), role: values.role }))
      setOpen(false)
    },
  })
  const { errors, isSubmitting } = form.formState
  const role = useWatch({ control: form.control, name: 'role' })
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next)
        if (!next) form.reset(defaultValues)
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline">
          <MailPlusIcon aria-hidden /> {label}
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{label}</DialogTitle>
          <DialogDescription>{description}</DialogDescription>
        </DialogHeader>
        <ApiForm form={form} onSubmit={submit} actions={false}>
          <Field label="Email" error={errors.email?.message}>
            {(p) => <Input {...p} type="email" autoComplete="off" {...form.register('email')} />}
          </Field>
          {roles.length > 1 && (
            <Field label="Role" hint={roleDescriptions[role]} error={errors.role?.message}>
              {(p) => (
                <NativeSelect {...p} {...form.register('role')}>
                  {roles.map((r) => (
                    <option key={r} value={r}>
                      {roleLabels[r]}
                    </option>
                  ))}
                </NativeSelect>
              )}
            </Field>
          )}
          <DialogFooter>
            <Button type="submit" disabled={isSubmitting}>
              {isSubmitting ? 'Sending…' : 'Send invitation'}
            </Button>
          </DialogFooter>
        </ApiForm>
      </DialogContent>
    </Dialog>
  )
}
