import { zodResolver } from '@hookform/resolvers/zod'
import { Link } from '@tanstack/react-router'
import { Controller, useForm } from 'react-hook-form'
import { applyProblem } from '@/api/problem'
import { DestinationPicker } from '@/components/destination-picker'
import { Field, FormError } from '@/components/field'
import { Button } from '@/components/ui/button'
import { Card, CardContent } from '@/components/ui/card'
import { Input, NativeSelect } from '@/components/ui/input'
import { type PhoneNumberValues, phoneNumberFields, phoneNumberSchema } from './schemas'

export function PhoneNumberForm({
  defaultValues,
  creating,
  readOnly,
  onSubmit,
}: {
  defaultValues: PhoneNumberValues
  creating: boolean
  readOnly: boolean
  onSubmit: (values: PhoneNumberValues) => Promise<unknown>
}) {
  const form = useForm<PhoneNumberValues>({ resolver: zodResolver(phoneNumberSchema), defaultValues })
  const { errors, isSubmitting, isDirty } = form.formState
  const submit = form.handleSubmit(async (values) => {
    try {
      await onSubmit(values)
      form.reset(values)
    } catch (e) {
      applyProblem(e, form.setError, phoneNumberFields)
    }
  })

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4">
      <FormError errors={errors} />
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
          <Field
            label="Status"
            hint="Callers to an inactive number hear that it is not in service"
            error={errors.status?.message}
          >
            {(p) => (
              <NativeSelect {...p} disabled={readOnly} {...form.register('status')}>
                <option value="active">Active</option>
                <option value="inactive">Inactive</option>
              </NativeSelect>
            )}
          </Field>
        </CardContent>
      </Card>
      {!readOnly && (
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button variant="outline" asChild>
            <Link to="/phone-numbers">Cancel</Link>
          </Button>
          <Button type="submit" disabled={isSubmitting || (!creating && !isDirty)}>
            {isSubmitting ? 'Saving…' : creating ? 'Add number' : 'Save changes'}
          </Button>
        </div>
      )}
    </form>
  )
}
