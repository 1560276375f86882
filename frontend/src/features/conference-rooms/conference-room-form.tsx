import { useWatch } from 'react-hook-form'
import { Field } from '@/components/field'
import { RecordingField } from '@/components/recording-picker'
import { ApiForm, NumberField, type ObjectFormProps, StatusField, SwitchField } from '@/components/form-parts'
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card'
import { Input, NativeSelect } from '@/components/ui/input'
import { useApiForm } from '@/lib/use-api-form'
import {
  type ConferenceRoomValues,
  conferenceRoomFields,
  conferenceRoomSchema,
  MAX_PARTICIPANTS,
  type PinAction,
} from './schemas'

export function ConferenceRoomForm({
  defaultValues,
  creating,
  readOnly,
  hasPin,
  onSubmit,
}: ObjectFormProps<ConferenceRoomValues> & { hasPin: boolean }) {
  const { form, submit } = useApiForm({
    schema: conferenceRoomSchema,
    defaultValues,
    fields: conferenceRoomFields,
    onSubmit,
    // A PIN just set is not shown again: the server keeps it sealed.
    baseline: (saved): ConferenceRoomValues => ({ ...saved, pin: '', pin_action: 'keep' }),
  })
  const { errors } = form.formState
  const pinAction = useWatch({ control: form.control, name: 'pin_action' })
  const pinChoices: [PinAction, string][] = hasPin
    ? [
        ['keep', 'Keep the current PIN'],
        ['set', 'Set a new PIN'],
        ['remove', 'No PIN'],
      ]
    : [
        ['keep', 'No PIN'],
        ['set', 'Require a PIN'],
      ]

  return (
    <ApiForm
      form={form}
      onSubmit={submit}
      actions={!readOnly && { cancelTo: '/conference-rooms', creating, createLabel: 'Create room' }}
    >
      <Card>
        <CardContent className="grid gap-4 pt-4 sm:grid-cols-2 sm:pt-6">
          <Field label="Name" error={errors.name?.message}>
            {(p) => <Input {...p} disabled={readOnly} {...form.register('name')} />}
          </Field>
          <Field
            label="Number"
            hint="What phones dial to join (2 to 8 digits, not an extension's); empty: reachable only by routing"
            error={errors.number?.message}
          >
            {(p) => <Input {...p} inputMode="numeric" disabled={readOnly} {...form.register('number')} />}
          </Field>
          <NumberField
            label="Most participants"
            field={form.register('max_participants', { valueAsNumber: true })}
            range={MAX_PARTICIPANTS}
            error={errors.max_participants?.message}
            disabled={readOnly}
          />
          <StatusField
            field={form.register('status')}
            hint="Callers to an inactive room hear that it is closed"
            error={errors.status?.message}
            disabled={readOnly}
          />
          <Field label="PIN" hint="Callers type it before joining" error={errors.pin_action?.message}>
            {(p) => (
              <NativeSelect {...p} disabled={readOnly} {...form.register('pin_action')}>
                {pinChoices.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </NativeSelect>
            )}
          </Field>
          {pinAction === 'set' && (
            <Field
              label={hasPin ? 'New PIN' : 'PIN digits'}
              hint="4 to 10 digits"
              error={errors.pin?.message}
            >
              {(p) => (
                <Input
                  {...p}
                  inputMode="numeric"
                  autoComplete="off"
                  disabled={readOnly}
                  {...form.register('pin')}
                />
              )}
            </Field>
          )}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>In the room</CardTitle>
        </CardHeader>
        <CardContent className="flex flex-col gap-5">
          <SwitchField
            control={form.control}
            name="mute_on_entry"
            label="Mute on entry"
            hint="Participants join muted"
            disabled={readOnly}
          />
          <SwitchField
            control={form.control}
            name="announce_join_leave"
            label="Announce arrivals and departures"
            disabled={readOnly}
          />
          <SwitchField
            control={form.control}
            name="wait_for_moderator"
            label="Wait for the moderator"
            hint="Participants hear music until the moderator joins"
            disabled={readOnly}
          />
          <RecordingField
            control={form.control}
            name="hold_music_recording_id"
            label="Hold music"
            none="The standard hold music"
            hint="What participants hear while they wait"
            disabled={readOnly}
          />
          <SwitchField
            control={form.control}
            name="record"
            label="Record"
            hint="The conference is recorded"
            disabled={readOnly}
          />
        </CardContent>
      </Card>
    </ApiForm>
  )
}
