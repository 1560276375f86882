import { PencilIcon } from 'lucide-react'
import { useState } from 'react'
import { toast } from 'sonner'
import type { Recording } from '@/api/recordings'
import { useUpdate } from '@/api/mutations'
import { recordings } from '@/api/resources'
import { Field } from '@/components/field'
import { ApiForm } from '@/components/form-parts'
import { Button } from '@/components/ui/button'
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from '@/components/ui/dialog'
import { Input } from '@/components/ui/input'
import { useApiForm } from '@/lib/use-api-form'
import { renameFields, renameSchema, toUpdate } from './schemas'

/** Renames a recording in a dialog; the server's verdict on the name (taken, too long) lands on it. */
export function RenameDialog({ recording }: { recording: Recording }) {
  const [open, setOpen] = useState(false)
  const update = useUpdate(recordings, recording.id)
  const current = { name: recording.name }
  const { form, submit } = useApiForm({
    schema: renameSchema,
    defaultValues: current,
    fields: renameFields,
    onSubmit: async (values) => {
      const renamed = await update.mutateAsync(toUpdate(values))
      toast.success(`Recording renamed to ${renamed.name}`)
      setOpen(false)
    },
  })
  const { errors, isSubmitting } = form.formState
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next)
        if (next) form.reset(current)
      }}
    >
      <DialogTrigger asChild>
        <Button variant="ghost" size="icon" aria-label={`Rename recording ${recording.name}`}>
          <PencilIcon aria-hidden />
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Rename recording</DialogTitle>
          <DialogDescription>Menus and other settings playing it keep playing it.</DialogDescription>
        </DialogHeader>
        <ApiForm form={form} onSubmit={submit} actions={false}>
          <Field label="Name" error={errors.name?.message}>
            {(p) => <Input {...p} {...form.register('name')} />}
          </Field>
          <DialogFooter>
            <Button type="submit" disabled={isSubmitting}>
              {isSubmitting ? 'Saving…' : 'Rename'}
            </Button>
          </DialogFooter>
        </ApiForm>
      </DialogContent>
    </Dialog>
  )
}
