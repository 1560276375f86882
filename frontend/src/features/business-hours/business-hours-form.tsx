import { DestinationField } from '@/components/destination-field'
import { Field } from '@/components/field'
import { ApiForm, type ObjectFormProps, StatusField } from '@/components/form-parts'
import { TimeZoneSelect } from '@/components/time-zone-select'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import { Input } from '@/components/ui/input'
import { useApiForm } from '@/lib/use-api-form'
import { ExceptionsEditor } from './exceptions-editor'
import { RangesEditor } from './ranges-editor'
import { type BusinessHoursValues, businessHoursFields, businessHoursSchema } from './schemas'

export function BusinessHoursForm({
  defaultValues,
  creating,
  readOnly,
  onSubmit,
}: ObjectFormProps<BusinessHoursValues>) {
  const { form, submit } = useApiForm({
    schema: businessHoursSchema,
    defaultValues,
    fields: businessHoursFields,
    onSubmit,
  })
  const { errors } = form.formState

  const destination = (name: 'open' | 'closed', label: string) => (
    <DestinationField control={form.control} name={name} label={label} disabled={readOnly} />
  )

  return (
    <ApiForm
      form={form}
      onSubmit={submit}
      actions={!readOnly && { cancelTo: '/business-hours', creating, createLabel: 'Create schedule' }}
    >
      <Card>
        <CardContent className="grid gap-4 pt-4 sm:grid-cols-2 sm:pt-6">
          <Field label="Name" error={errors.name?.message}>
            {(p) => <Input {...p} disabled={readOnly} {...form.register('name')} />}
          </Field>
          <Field
            label="Time zone"
            hint="The hours and dates below are in it"
            error={errors.timezone?.message}
          >
            {(p) => (
              <TimeZoneSelect
                {...p}
                current={defaultValues.timezone}
                disabled={readOnly}
                {...form.register('timezone')}
              />
            )}
          </Field>
          <StatusField
            field={form.register('status')}
            hint="An inactive schedule is switched off: always open"
            error={errors.status?.message}
            disabled={readOnly}
          />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Where calls go</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-2">
          {destination('open', 'While open')}
          {destination('closed', 'While closed')}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Weekly hours</CardTitle>
          <CardDescription>
            A range whose closing time is at or before its opening time runs past midnight into the next day;
            equal times mean 24 hours.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <RangesEditor control={form.control} register={form.register} errors={errors} disabled={readOnly} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Holidays and special openings</CardTitle>
          <CardDescription>
            Whole local dates that replace the weekly hours; where several cover a day, the shortest wins.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <ExceptionsEditor
            control={form.control}
            register={form.register}
            errors={errors}
            disabled={readOnly}
          />
        </CardContent>
      </Card>
    </ApiForm>
  )
}
