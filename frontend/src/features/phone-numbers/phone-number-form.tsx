import { Controller } from 'react-hook-form'
import { DestinationPicker } from '@/components/destination-picker'
import { Field } from '@/components/field'
import { Card, CardContent } from '@/components/ui/card'
import { Input } from '@/components/ui/input'
import { type PhoneNumberValues, phoneNumberFields, phoneNumberSchema } from './schemas'
import { ApiForm, type ObjectFormProps, StatusField } from '@/components/form-parts'
import { useApiForm } from '@/lib/use-api-form'

export function PhoneNumberForm({
  defaultValues,
  creating,
  readOnly,
  onSubmit,
}: ObjectFormProps<PhoneNumberValues>) {
  const { form, submit } = useApiForm({
    schema: phoneNumberSchema,
    defaultValues,
    fields: phoneNumberFields,
    onSubmit,
  })
  const { errors } = form.formState

  return (
    <ApiForm
      form={form}
      onSubmit={submit}
      actions={!readOnly && { cancelTo: '/phone-numbers', creating, createLabel: 'Add number' }}
    >
      <Card>
        <CardContent className="grid gap-4 pt-4 sm:grid-cols-2 sm:pt-6">
          <Field
            label="Number"
            hint="In international form, e.g. +1 212 555 0100"
            error={errors.number?.message}
          >
            {(p) => <Input {...p} inputMode="tel" disabled={readOnly} {...form.register('number')} />}
          </Field>
          <Field label="Label" hint="How people know the line, e.g. Main line" error={errors.label?.message}>
            {(p) => <Input {...p} disabled={readOnly} {...form.register('label')} />}
          </Field>
          <Controller
            control={form.control}
            name="destination"
            render={({ field, fieldState }) => (
              <Field
                label="Calls go to"
                error={fieldState.error?.message}
                className="flex flex-col gap-1.5 sm:col-span-2"
              >
                {(p) => (
                  <DestinationPicker
                    {...p}
                    value={field.value}
                    onChange={field.onChange}
                    disabled={readOnly}
                  />
                )}
              </Field>
            )}
          />
          <StatusField
            field={form.register('status')}
            hint="Callers to an inactive number hear that it is not in service"
            error={errors.status?.message}
            disabled={readOnly}
          />
        </CardContent>
      </Card>
    </ApiForm>
  )
}
