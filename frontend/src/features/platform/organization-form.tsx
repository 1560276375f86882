import { Field } from '@/components/field'
import { ApiForm } from '@/components/form-parts'
import { TimeZoneSelect } from '@/components/time-zone-select'
import { Card, CardContent } from '@/components/ui/card'
import { Input } from '@/components/ui/input'
import { browserTimeZone } from '@/lib/time'
import { useApiForm } from '@/lib/use-api-form'
import {
  type NewOrganizationValues,
  newOrganizationFields,
  newOrganizationSchema,
  type OrganizationValues,
  organizationFields,
  organizationSchema,
} from './schemas'

const SLUG_HINT =
  'Lower-case letters, digits and dashes; what its users type when an email is in several organizations'

/** Name, slug and time zone; the first owner's email too when creating. */
export function NewOrganizationForm({
  onSubmit,
}: {
  onSubmit: (v: NewOrganizationValues) => Promise<unknown>
}) {
  const { form, submit } = useApiForm({
    schema: newOrganizationSchema,
    defaultValues: {
      name: '',
      slug: '',
      timezone: browserTimeZone(),
      owner_email: '',
    },
    fields: newOrganizationFields,
    onSubmit,
  })
  const { errors } = form.formState
  return (
    <ApiForm
      form={form}
      onSubmit={submit}
      actions={{ cancelTo: '/platform', creating: true, createLabel: 'Create and invite' }}
    >
      <Card>
        <CardContent className="grid gap-4 pt-4 sm:grid-cols-2 sm:pt-6">
          <Field label="Name" error={errors.name?.message}>
            {(p) => <Input {...p} autoComplete="organization" {...form.register('name')} />}
          </Field>
          <Field
            label="Slug"
            hint={`Optional: made from the name. ${SLUG_HINT}`}
            error={errors.slug?.message}
          >
            {(p) => <Input {...p} autoComplete="off" {...form.register('slug')} />}
          </Field>
          <Field label="Time zone" hint="For business hours and call times" error={errors.timezone?.message}>
            {(p) => (
              <TimeZoneSelect {...p} current={form.getValues('timezone')} {...form.register('timezone')} />
            )}
          </Field>
          <Field
            label="First owner's email"
            hint="They get an invitation to choose their own password; you never see it"
            error={errors.owner_email?.message}
          >
            {(p) => <Input {...p} type="email" autoComplete="off" {...form.register('owner_email')} />}
          </Field>
        </CardContent>
      </Card>
    </ApiForm>
  )
}

export function OrganizationForm({
  defaultValues,
  readOnly,
  onSubmit,
}: {
  defaultValues: OrganizationValues
  readOnly: boolean
  onSubmit: (v: OrganizationValues) => Promise<unknown>
}) {
  const { form, submit } = useApiForm({
    schema: organizationSchema,
    defaultValues,
    fields: organizationFields,
    onSubmit,
  })
  const { errors } = form.formState
  return (
    <ApiForm
      form={form}
      onSubmit={submit}
      actions={!readOnly && { cancelTo: '/platform', creating: false, createLabel: '' }}
    >
      <Card>
        <CardContent className="grid gap-4 pt-4 sm:grid-cols-3 sm:pt-6">
          <Field label="Name" error={errors.name?.message}>
            {(p) => <Input {...p} autoComplete="off" disabled={readOnly} {...form.register('name')} />}
          </Field>
          <Field label="Slug" hint={SLUG_HINT} error={errors.slug?.message}>
            {(p) => <Input {...p} autoComplete="off" disabled={readOnly} {...form.register('slug')} />}
          </Field>
          <Field label="Time zone" error={errors.timezone?.message}>
            {(p) => (
              <TimeZoneSelect
                {...p}
                current={defaultValues.timezone}
                disabled={readOnly}
                {...form.register('timezone')}
              />
            )}
          </Field>
        </CardContent>
      </Card>
    </ApiForm>
  )
}
