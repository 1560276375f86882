import { useWatch } from 'react-hook-form'
import { Field } from '@/components/field'
import { Card, CardContent } from '@/components/ui/card'
import { Input, NativeSelect } from '@/components/ui/input'
import { type Role, roleDescriptions, roleLabels } from '@/lib/roles'
import { editUserSchema, newUserSchema, type UserValues, userFields } from './schemas'
import { ApiForm, type ObjectFormProps, StatusField } from '@/components/form-parts'
import { useApiForm } from '@/lib/use-api-form'

export function UserForm({
  defaultValues,
  creating,
  roles,
  readOnly,
  self,
  onSubmit,
}: ObjectFormProps<UserValues> & {
  /** The roles the signed-in user may grant. */
  roles: Role[]
  /** Editing one's own account: the password changes in the profile, with the current one. */
  self: boolean
}) {
  const { form, submit } = useApiForm({
    schema: creating ? newUserSchema : editUserSchema,
    defaultValues,
    fields: userFields,
    onSubmit,
    baseline: (saved) => ({ ...saved, password: '' }),
  })
  const { errors } = form.formState
  const role = useWatch({ control: form.control, name: 'role' })
  // A role the caller may not grant can still be the current one (shown, not offered).
  const offered = roles.includes(defaultValues.role) ? roles : [defaultValues.role, ...roles]

  return (
    <ApiForm
      form={form}
      onSubmit={submit}
      actions={!readOnly && { cancelTo: '/users', creating, createLabel: 'Create user' }}
    >
      <Card>
        <CardContent className="grid gap-4 pt-4 sm:grid-cols-2 sm:pt-6">
          <Field label="Name" error={errors.name?.message}>
            {(p) => <Input {...p} autoComplete="off" disabled={readOnly} {...form.register('name')} />}
          </Field>
          <Field label="Email" hint="What they sign in with" error={errors.email?.message}>
            {(p) => (
              <Input {...p} type="email" autoComplete="off" disabled={readOnly} {...form.register('email')} />
            )}
          </Field>
          <Field label="Role" hint={roleDescriptions[role]} error={errors.role?.message}>
            {(p) => (
              <NativeSelect {...p} disabled={readOnly || self} {...form.register('role')}>
                {offered.map((r) => (
                  <option key={r} value={r} disabled={!roles.includes(r)}>
                    {roleLabels[r]}
                  </option>
                ))}
              </NativeSelect>
            )}
          </Field>
          <StatusField
            field={form.register('status')}
            hint="Inactive users cannot sign in"
            error={errors.status?.message}
            disabled={readOnly || self}
          />
          {!self && !readOnly && (
            <Field
              label={creating ? 'Password' : 'New password'}
              hint={
                creating
                  ? 'At least 10 characters; not a common password. Give it to them safely.'
                  : 'Leave empty to keep theirs. Setting one signs them out everywhere.'
              }
              error={errors.password?.message}
              className="flex flex-col gap-1.5 sm:col-span-2"
            >
              {(p) => (
                <Input {...p} type="password" autoComplete="new-password" {...form.register('password')} />
              )}
            </Field>
          )}
        </CardContent>
      </Card>
    </ApiForm>
  )
}
