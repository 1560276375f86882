import { Field } from '@/components/field'
import { ApiForm, type ObjectFormProps } from '@/components/form-parts'
import { TimeZoneSelect } from '@/components/time-zone-select'
import { Card, CardContent } from '@/components/ui/card'
import { Input } from '@/components/ui/input'
import { useApiForm } from '@/lib/use-api-form'
import {
  newOrganizationSchema,
  type OrganizationValues,
  organizationFields,
  organizationSchema,
} from './schemas'

const SLUG_HINT =
  'Lower-case letters, digits and dashes; what its users type when an email is in several organizations'

/** Name, slug and time zone; when creating, also the first owner's email (they are invited). */
export function OrganizationForm({
  defaultValues,
  creating,
  readOnly,
  onSubmit,
}: ObjectFormProps<OrganizationValues>) {
  const { form, submit } = useApiForm({
    schema: creating ? newOrganizationSchema : organizationSchema,
    defaultValues,
    fields: organizationFields,
    onSubmit,
  })
  const { errors } = form.formState
  return (
    <ApiForm
      form={form}
      onSubmit={submit}
      actions={!readOnly && { cancelTo: '/platform', creating, createLabel: 'Create and invite' }}
    >
      <Card>
        <CardContent className="grid gap-4 pt-4 sm:grid-cols-2 sm:pt-6">
          <Field label="Name" error={errors.name?.message}>
            {(p) => <Input {...p} autoComplete="off" disabled={readOnly} {...form.register('name')} />}
          </Field>
          <Field
            label="Slug"
            hint={creating ? `Optional: made from the name. ${SLUG_HINT}` : SLUG_HINT}
            error={errors.slug?.message}
          >
            {(p) => <Input {...p} autoComplete="off" disabled={readOnly} {...form.register('slug')} />}
          </Field>
          <Field label="Time zone" hint="For business hours and call times" error={errors.timezone?.message}>
            {(p) => (
              <TimeZoneSelect
                {...p}
                current={defaultValues.timezone}
                disabled={readOnly}
                {...form.register('timezone')}
              />
            )}
          </Field>
          {creating && (
            <Field
              label="First owner's email"
              hint="They get an invitation to choose their own password; you never see it"
              error={errors.owner_email?.message}
            >
              {(p) => <Input {...p} type="email" autoComplete="off" {...form.register('owner_email')} />}
            </Field>
          )}
        </CardContent>
      </Card>
    </ApiForm>
  )
}
