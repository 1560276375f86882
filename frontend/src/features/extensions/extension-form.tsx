import { useQuery } from '@tanstack/react-query'
import type { ComponentProps } from 'react'
import { Controller } from 'react-hook-form'
import { useMe } from '@/api/me'
import { users } from '@/api/resources'
import { DestinationPicker } from '@/components/destination-picker'
import { Field } from '@/components/field'
import { RecordingField } from '@/components/recording-picker'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import { Input, NativeSelect, Textarea } from '@/components/ui/input'
import { canManageUsers, canWriteConfig } from '@/lib/roles'
import { type ExtensionValues, extensionFields, extensionSchema, NO_ANSWER_TIMEOUT } from './schemas'
import { ApiForm, SwitchField, StatusField } from '@/components/form-parts'
import { useApiForm } from '@/lib/use-api-form'

function UserSelect(props: ComponentProps<'select'>) {
  const { organization } = useMe()
  const list = useQuery(users.list(organization.id, { per_page: 100, sort: 'name' }))
  return (
    <NativeSelect {...props}>
      <option value="">Nobody</option>
      {list.data?.data.map((u) => (
        <option key={u.id} value={u.id}>
          {u.name} ({u.email})
        </option>
      ))}
    </NativeSelect>
  )
}

/**
 * An extension's form, for creating (`linkedUserId` absent) and editing. Admins change
 * everything; the extension's own PBX user only its call handling; anyone else only reads.
 */
export function ExtensionForm({
  defaultValues,
  creating,
  linkedUserId,
  onSubmit,
}: {
  defaultValues: ExtensionValues
  creating: boolean
  linkedUserId?: string | null
  onSubmit: (
    values: ExtensionValues,
    dirty: Partial<Record<keyof ExtensionValues, unknown>>,
  ) => Promise<unknown>
}) {
  const { user } = useMe()
  const admin = canWriteConfig(user.role)
  const mayHandleCalls = admin || (linkedUserId != null && linkedUserId === user.id)
  const { form, submit } = useApiForm({
    schema: extensionSchema,
    defaultValues,
    fields: extensionFields,
    onSubmit,
  })
  const { errors } = form.formState

  return (
    <ApiForm
      form={form}
      onSubmit={submit}
      actions={mayHandleCalls && { cancelTo: '/extensions', creating, createLabel: 'Create extension' }}
    >
      <Card>
        <CardHeader>
          <CardTitle>Extension</CardTitle>
          <CardDescription>The phone: the number colleagues dial, and whose it is.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-2">
          <Field
            label="Number"
            hint="2 to 8 digits, unique in your organization"
            error={errors.number?.message}
          >
            {(p) => <Input {...p} inputMode="numeric" disabled={!admin} {...form.register('number')} />}
          </Field>
          <Field label="Name" error={errors.name?.message}>
            {(p) => <Input {...p} disabled={!admin} {...form.register('name')} />}
          </Field>
          {canManageUsers(user.role) && (
            <Controller
              control={form.control}
              name="user_id"
              render={({ field, fieldState }) => (
                <Field
                  label="User"
                  hint="They may see its SIP password and change its call handling"
                  error={fieldState.error?.message}
                >
                  {(p) => <UserSelect {...p} {...field} />}
                </Field>
              )}
            />
          )}
          <StatusField
            field={form.register('status')}
            hint="An inactive extension does not ring"
            error={errors.status?.message}
            disabled={!admin}
          />
          {creating && (
            <Field
              label="SIP password"
              hint="Leave empty to have one generated (12 to 64 characters)"
              error={errors.sip_password?.message}
              className="flex flex-col gap-1.5 sm:col-span-2"
            >
              {(p) => (
                <Input
                  {...p}
                  type="password"
                  autoComplete="new-password"
                  {...form.register('sip_password')}
                />
              )}
            </Field>
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Call handling</CardTitle>
          <CardDescription>What happens to calls for this extension.</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-5">
          <SwitchField
            control={form.control}
            name="do_not_disturb"
            label="Do not disturb"
            hint="Calls skip the phone and go straight to the no-answer destination"
            disabled={!mayHandleCalls}
          />
          <Controller
            control={form.control}
            name="forward_always"
            render={({ field, fieldState }) => (
              <Field label="Forward every call to" error={fieldState.error?.message}>
                {(p) => (
                  <DestinationPicker
                    {...p}
                    value={field.value}
                    onChange={field.onChange}
                    none="Not forwarded"
                    disabled={!mayHandleCalls}
                  />
                )}
              </Field>
            )}
          />
          <div className="grid gap-4 sm:grid-cols-[10rem_1fr]">
            <Field label="Ring for (seconds)" error={errors.no_answer_timeout?.message}>
              {(p) => (
                <Input
                  {...p}
                  type="number"
                  min={NO_ANSWER_TIMEOUT.min}
                  max={NO_ANSWER_TIMEOUT.max}
                  disabled={!mayHandleCalls}
                  {...form.register('no_answer_timeout', { valueAsNumber: true })}
                />
              )}
            </Field>
            <Controller
              control={form.control}
              name="no_answer"
              render={({ field, fieldState }) => (
                <Field label="Then, if nobody answers" error={fieldState.error?.message}>
                  {(p) => (
                    <DestinationPicker
                      {...p}
                      value={field.value}
                      onChange={field.onChange}
                      none="Voicemail when on, else hang up"
                      disabled={!mayHandleCalls}
                    />
                  )}
                </Field>
              )}
            />
          </div>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Voicemail</CardTitle>
        </CardHeader>
        <CardContent className="flex flex-col gap-5">
          <SwitchField
            control={form.control}
            name="voicemail_enabled"
            label="Voicemail"
            hint="Callers who get no answer may leave a message"
            disabled={!mayHandleCalls}
          />
          <RecordingField
            control={form.control}
            name="voicemail_greeting_recording_id"
            label="Greeting recording"
            none="None: the greeting below"
            hint="Played before the beep instead of the greeting below"
            disabled={!mayHandleCalls}
          />
          <Field
            label="Greeting"
            hint="Text to speak, or an https:// URL of a recording to play. Empty: a standard greeting."
            error={errors.voicemail_greeting?.message}
          >
            {(p) => (
              <Textarea {...p} rows={3} disabled={!mayHandleCalls} {...form.register('voicemail_greeting')} />
            )}
          </Field>
          <Field
            label="Email each message to"
            hint="The audio is attached. Empty: nobody is mailed."
            error={errors.voicemail_email?.message}
          >
            {(p) => (
              <Input
                {...p}
                type="email"
                autoComplete="off"
                disabled={!mayHandleCalls}
                {...form.register('voicemail_email')}
              />
            )}
          </Field>
        </CardContent>
      </Card>
    </ApiForm>
  )
}
