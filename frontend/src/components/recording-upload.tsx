import { useQueryClient } from '@tanstack/react-query'
import { UploadIcon } from 'lucide-react'
import { type ReactNode, useRef, useState } from 'react'
import { Controller } from 'react-hook-form'
import { toast } from 'sonner'
import { ApiError, isApiError } from '@/api/client'
import { keys } from '@/api/keys'
import { useOrgId } from '@/api/me'
import { type Recording, uploadRecording } from '@/api/recordings'
import { fileSize, type UploadValues, uploadFields, uploadSchema } from '@/lib/audio-file'
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
import { Input } from './ui/input'

const empty: UploadValues = { file: null, name: '' }

/** How far an upload has got, for eyes and screen readers. */
function UploadProgress({ sent }: { sent: number }) {
  const percent = Math.round(sent * 100)
  return (
    <div className="flex flex-col gap-1.5">
      <div
        role="progressbar"
        aria-label="Upload progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-2 overflow-hidden rounded-full bg-muted"
      >
        <div className="h-full bg-primary transition-[width]" style={{ width: `${percent}%` }} />
      </div>
      <p className="text-xs text-muted-foreground tabular-nums">
        {percent < 100 ? `Uploading… ${percent}%` : 'Checking the audio…'}
      </p>
    </div>
  )
}

/**
 * "Upload recording" as a dialog: a WAV or MP3 file (checked here as the server checks it, whose
 * verdict still lands on the file field) and an optional name, with the upload's progress.
 */
export function UploadRecordingDialog({
  trigger,
  onUploaded,
}: {
  /** The button that opens the dialog (default: "Upload recording"). */
  trigger?: ReactNode
  onUploaded?: (recording: Recording) => void
}) {
  const [open, setOpen] = useState(false)
  const [sent, setSent] = useState<number | null>(null)
  const cancel = useRef<AbortController | null>(null)
  const queryClient = useQueryClient()
  const orgId = useOrgId()
  const { form, submit } = useApiForm({
    schema: uploadSchema,
    defaultValues: empty,
    fields: uploadFields,
    baseline: () => empty,
    onSubmit: async ({ file, name }) => {
      cancel.current = new AbortController()
      setSent(0)
      try {
        const recording = await uploadRecording(
          file as File,
          name.trim() || null,
          setSent,
          cancel.current.signal,
        )
        await queryClient.invalidateQueries({ queryKey: keys.org(orgId) })
        toast.success(`Recording ${recording.name} uploaded`)
        setOpen(false)
        onUploaded?.(recording)
      } catch (e) {
        // Over the size limit the server answers 413 without naming a field: it is the file's.
        if (isApiError(e, 413))
          throw new ApiError(413, { ...e.problem, errors: [{ field: 'file', message: e.message }] })
        throw e
      } finally {
        setSent(null)
      }
    },
  })
  const { errors, isSubmitting } = form.formState

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (!next) cancel.current?.abort()
        setOpen(next)
        if (!next) form.reset(empty)
      }}
    >
      <DialogTrigger asChild>
        {trigger ?? (
          <Button>
            <UploadIcon aria-hidden /> Upload recording
          </Button>
        )}
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Upload recording</DialogTitle>
          <DialogDescription>A WAV or MP3 file of at most 4 MiB and ten minutes.</DialogDescription>
        </DialogHeader>
        {/* React passes events up through portals: the submit must not also submit a form the
            dialog was opened from (the IVR menu's "Upload new"). */}
        <ApiForm
          form={form}
          onSubmit={(e) => {
            e.stopPropagation()
            void submit(e)
          }}
          actions={false}
        >
          <Controller
            control={form.control}
            name="file"
            render={({ field, fieldState }) => (
              <Field
                label="Audio file"
                hint={field.value ? `${field.value.name} · ${fileSize(field.value.size)}` : undefined}
                error={fieldState.error?.message}
              >
                {(p) => (
                  <Input
                    {...p}
                    ref={field.ref}
                    type="file"
                    accept=".wav,.mp3,audio/wav,audio/x-wav,audio/mpeg"
                    disabled={isSubmitting}
                    className="h-auto py-1.5 file:mr-3 file:border-0 file:bg-transparent file:text-sm file:font-medium"
                    onBlur={field.onBlur}
                    onChange={(e) => field.onChange(e.target.files?.[0] ?? null)}
                  />
                )}
              </Field>
            )}
          />
          <Field label="Name" hint="Empty: the file's name" error={errors.name?.message}>
            {(p) => <Input {...p} disabled={isSubmitting} {...form.register('name')} />}
          </Field>
          {sent !== null && <UploadProgress sent={sent} />}
          <DialogFooter>
            <Button type="submit" disabled={isSubmitting}>
              {isSubmitting ? 'Uploading…' : 'Upload'}
            </Button>
          </DialogFooter>
        </ApiForm>
      </DialogContent>
    </Dialog>
  )
}
