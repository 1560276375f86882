import { zodResolver } from '@hookform/resolvers/zod'
import { Link } from '@tanstack/react-router'
import { useForm, useWatch } from 'react-hook-form'
import { applyProblem } from '@/api/problem'
import { Field, FormError } from '@/components/field'
import { Button } from '@/components/ui/button'
import { Card, CardContent } from '@/components/ui/card'
import { Input, NativeSelect } from '@/components/ui/input'
import { type Role, roleDescriptions, roleLabels } from '@/lib/roles'
import { editUserSchema, newUserSchema, type UserValues, userFields } from './schemas'

export function UserForm({
  defaultValues,
  creating,
  roles,
  readOnly,
  self,
  onSubmit,
}: {
  defaultValues: UserValues
  creating: boolean
  /** The roles the signed-in user may grant. */
  roles: Role[]
  readOnly: boolean
  /** Editing one's own account: the password changes in the profile, with the current one. */
  self: boolean
  onSubmit: (values: UserValues) => Promise<unknown>
}) {
  const form = useForm<UserValues>({
    resolver: zodResolver(creating ? newUserSchema : editUserSchema),
    defaultValues,
  })
  const { errors, isSubmitting, isDirty } = form.formState
  const role = useWatch({ control: form.control, name: 'role' })
  const submit = form.handleSubmit(async (values) => {
    try {
      await onSubmit(values)
      form.reset({ ...values, password: '' })
    } catch (e) {
      applyProblem(e, form.setError, userFields)
    }
  })
  // A role the caller may not grant can still be the current one (shown, not offered).
  const offered = roles.includes(defaultValues.role) ? roles : [defaultValues.role, ...roles]

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4">
      <FormError errors={errors} />
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
          <Field label="Status" hint="Inactive users cannot sign in" error={errors.status?.message}>
            {(p) => (
              <NativeSelect {...p} disabled={readOnly || self} {...form.register('status')}>
                <option value="active">Active</option>
                <option value="inactive">Inactive</option>
              </NativeSelect>
            )}
          </Field>
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
      {!readOnly && (
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <Button variant="outline" asChild>
            <Link to="/users">Cancel</Link>
          </Button>
          <Button type="submit" disabled={isSubmitting || (!creating && !isDirty)}>
            {isSubmitting ? 'Saving…' : creating ? 'Create user' : 'Save changes'}
          </Button>
        </div>
      )}
    </form>
  )
}
