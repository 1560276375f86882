import { useWatch } from 'react-hook-form'
import { DestinationField } from '@/components/destination-field'
import { Field } from '@/components/field'
import { ApiForm, type ObjectFormProps } from '@/components/form-parts'
import { RecordingField } from '@/components/recording-picker'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import { Input, NativeSelect, Textarea } from '@/components/ui/input'
import { useApiForm } from '@/lib/use-api-form'
import { type AnnouncementValues, announcementFields, announcementSchema } from './schemas'

export function AnnouncementForm({
  defaultValues,
  creating,
  readOnly,
  onSubmit,
}: ObjectFormProps<AnnouncementValues>) {
  const { form, submit } = useApiForm({
    schema: announcementSchema,
    defaultValues,
    fields: announcementFields,
    onSubmit,
  })
  const { errors } = form.formState
  const plays = useWatch({ control: form.control, name: 'plays' })

  return (
    <ApiForm
      form={form}
      onSubmit={submit}
      actions={!readOnly && { cancelTo: '/announcements', creating, createLabel: 'Create announcement' }}
    >
      <Card>
        <CardContent className="grid gap-4 pt-4 sm:grid-cols-2 sm:pt-6">
          <Field label="Name" error={errors.name?.message}>
            {(p) => <Input {...p} disabled={readOnly} {...form.register('name')} />}
          </Field>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>What callers hear</CardTitle>
          <CardDescription>Played once, before the call goes on.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-2">
          <Field label="Message" className="flex flex-col gap-1.5 sm:col-span-2">
            {(p) => (
              <NativeSelect {...p} disabled={readOnly} {...form.register('plays')}>
                <option value="recording">An uploaded recording</option>
                <option value="text">Spoken text</option>
              </NativeSelect>
            )}
          </Field>
          {plays === 'recording' ? (
            <RecordingField
              control={form.control}
              name="recording_id"
              label="Recording"
              hint="WAV or MP3, uploaded under Recordings or here"
              disabled={readOnly}
              className="flex flex-col gap-1.5 sm:col-span-2"
            />
          ) : (
            <>
              <Field
                label="Text to speak"
                hint="Up to 1000 characters, e.g. Calls may be recorded for training."
                error={errors.text?.message}
                className="flex flex-col gap-1.5 sm:col-span-2"
              >
                {(p) => <Textarea {...p} rows={3} disabled={readOnly} {...form.register('text')} />}
              </Field>
              <Field label="Voice" hint="Optional, e.g. Polly:Joanna" error={errors.voice?.message}>
                {(p) => <Input {...p} disabled={readOnly} {...form.register('voice')} />}
              </Field>
            </>
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Then</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-2">
          <DestinationField
            control={form.control}
            name="next"
            label="Go to"
            disabled={readOnly}
            className="flex flex-col gap-1.5 sm:col-span-2"
          />
        </CardContent>
      </Card>
    </ApiForm>
  )
}
