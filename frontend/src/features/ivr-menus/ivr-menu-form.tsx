import { useWatch } from 'react-hook-form'
import { DestinationField } from '@/components/destination-field'
import { Field } from '@/components/field'
import { RecordingField } from '@/components/recording-picker'
import { ApiForm, NumberField, type ObjectFormProps, StatusField, SwitchField } from '@/components/form-parts'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import { Input, NativeSelect, Textarea } from '@/components/ui/input'
import { useApiForm } from '@/lib/use-api-form'
import { AllowlistEditor } from './allowlist-editor'
import { OptionsEditor } from './options-editor'
import { DIGIT_TIMEOUT, IVR_RETRIES, type IvrMenuValues, ivrMenuFields, ivrMenuSchema } from './schemas'

export function IvrMenuForm({ defaultValues, creating, readOnly, onSubmit }: ObjectFormProps<IvrMenuValues>) {
  const { form, submit } = useApiForm({
    schema: ivrMenuSchema,
    defaultValues,
    fields: ivrMenuFields,
    onSubmit,
  })
  const { errors } = form.formState
  const [promptKind, directDial] = useWatch({ control: form.control, name: ['prompt_kind', 'direct_dial'] })

  const leave = (name: 'timeout_destination' | 'invalid_destination', label: string) => (
    <DestinationField
      control={form.control}
      name={name}
      label={label}
      disabled={readOnly}
      className="flex flex-col gap-1.5 sm:col-span-2"
    />
  )

  return (
    <ApiForm
      form={form}
      onSubmit={submit}
      actions={!readOnly && { cancelTo: '/ivr-menus', creating, createLabel: 'Create menu' }}
    >
      <Card>
        <CardContent className="grid gap-4 pt-4 sm:grid-cols-2 sm:pt-6">
          <Field label="Name" error={errors.name?.message}>
            {(p) => <Input {...p} disabled={readOnly} {...form.register('name')} />}
          </Field>
          <StatusField
            field={form.register('status')}
            hint="Callers reaching an inactive menu hear that it is unavailable"
            error={errors.status?.message}
            disabled={readOnly}
          />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>What callers hear</CardTitle>
          <CardDescription>
            Played when the menu starts, and again after a wrong key or a silence.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-2">
          <Field label="Greeting" className="flex flex-col gap-1.5 sm:col-span-2">
            {(p) => (
              <NativeSelect {...p} disabled={readOnly} {...form.register('prompt_kind')}>
                <option value="text">Spoken text</option>
                <option value="recording">An uploaded recording</option>
                <option value="audio">Audio at an https URL</option>
              </NativeSelect>
            )}
          </Field>
          {promptKind === 'recording' && (
            <RecordingField
              control={form.control}
              name="prompt_recording_id"
              label="Recording"
              hint="WAV or MP3, uploaded under Recordings or here"
              disabled={readOnly}
              className="flex flex-col gap-1.5 sm:col-span-2"
            />
          )}
          {promptKind === 'text' && (
            <>
              <Field
                label="Text to speak"
                hint="Up to 1000 characters, e.g. For sales press 1, for support press 2."
                error={errors.prompt_text?.message}
                className="flex flex-col gap-1.5 sm:col-span-2"
              >
                {(p) => <Textarea {...p} rows={3} disabled={readOnly} {...form.register('prompt_text')} />}
              </Field>
              <Field label="Voice" hint="Optional, e.g. Polly:Joanna" error={errors.prompt_voice?.message}>
                {(p) => <Input {...p} disabled={readOnly} {...form.register('prompt_voice')} />}
              </Field>
            </>
          )}
          {promptKind === 'audio' && (
            <Field
              label="Audio URL"
              hint="An https:// address Cloudonix fetches the audio from"
              error={errors.prompt_audio_url?.message}
              className="flex flex-col gap-1.5 sm:col-span-2"
            >
              {(p) => (
                <Input
                  {...p}
                  type="url"
                  placeholder="https://cdn.example.com/menu.mp3"
                  disabled={readOnly}
                  {...form.register('prompt_audio_url')}
                />
              )}
            </Field>
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Options</CardTitle>
          <CardDescription>
            1 to 4 keys each (0-9, * and #). An option may lead back to this menu to repeat it.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <OptionsEditor
            control={form.control}
            register={form.register}
            errors={errors}
            disabled={readOnly}
          />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>No key, or a wrong one</CardTitle>
          <CardDescription>
            After the limit, callers leave the menu for the destination given.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-2">
          <NumberField
            label="Wait for a key (seconds)"
            field={form.register('digit_timeout', { valueAsNumber: true })}
            range={DIGIT_TIMEOUT}
            error={errors.digit_timeout?.message}
            disabled={readOnly}
          />
          <NumberField
            label="Silences allowed"
            field={form.register('max_timeouts', { valueAsNumber: true })}
            range={IVR_RETRIES}
            error={errors.max_timeouts?.message}
            disabled={readOnly}
          />
          {leave('timeout_destination', 'After the last silence, go to')}
          <NumberField
            label="Wrong keys allowed"
            field={form.register('max_invalid', { valueAsNumber: true })}
            range={IVR_RETRIES}
            error={errors.max_invalid?.message}
            disabled={readOnly}
          />
          <div className="hidden sm:block" />
          {leave('invalid_destination', 'After the last wrong key, go to')}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Direct dial</CardTitle>
        </CardHeader>
        <CardContent className="flex flex-col gap-4">
          <SwitchField
            control={form.control}
            name="direct_dial"
            label="Callers may dial an extension"
            hint="They type its number and # instead of choosing an option"
            disabled={readOnly}
          />
          {directDial && <AllowlistEditor control={form.control} errors={errors} disabled={readOnly} />}
        </CardContent>
      </Card>
    </ApiForm>
  )
}
