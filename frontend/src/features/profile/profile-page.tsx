import { zodResolver } from '@hookform/resolvers/zod'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useForm } from 'react-hook-form'
import { toast } from 'sonner'
import { z } from 'zod'
import { api, call, type Schemas } from '@/api/client'
import { keys } from '@/api/keys'
import { useMe } from '@/api/me'
import { applyProblem } from '@/api/problem'
import { Field, FormError } from '@/components/field'
import { PageHeader } from '@/components/page-header'
import { Button } from '@/components/ui/button'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import { Input } from '@/components/ui/input'
import { roleDescriptions, roleLabels } from '@/lib/roles'

const nameSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(255, 'must be at most 255 characters'),
})

const passwordSchema = z
  .object({
    current_password: z.string().min(1, 'is required'),
    new_password: z
      .string()
      .min(10, 'must be at least 10 characters')
      .max(256, 'must be at most 256 characters'),
    confirm: z.string(),
  })
  .refine((v) => v.new_password === v.confirm, {
    path: ['confirm'],
    message: 'does not match the new password',
  })

function useUpdateProfile() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: Schemas['ProfileUpdate']) => call(api.PATCH('/api/v1/profile', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.me }),
  })
}

function NameCard() {
  const { user } = useMe()
  const update = useUpdateProfile()
  const form = useForm({ resolver: zodResolver(nameSchema), defaultValues: { name: user.name } })
  const { errors, isSubmitting, isDirty } = form.formState
  const submit = form.handleSubmit(async ({ name }) => {
    try {
      const saved = await update.mutateAsync({ name: name.trim() })
      form.reset({ name: saved.name })
      toast.success('Name saved')
    } catch (e) {
      applyProblem(e, form.setError, ['name'])
    }
  })
  return (
    <Card>
      <CardHeader>
        <CardTitle>You</CardTitle>
        <CardDescription>
          {user.email} · {roleLabels[user.role]}: {roleDescriptions[user.role]}
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={submit} noValidate className="flex flex-col gap-4 sm:flex-row sm:items-start">
          <FormError errors={errors} />
          <Field label="Name" error={errors.name?.message} className="flex flex-1 flex-col gap-1.5">
            {(p) => <Input {...p} autoComplete="name" {...form.register('name')} />}
          </Field>
          <Button type="submit" className="sm:mt-6" disabled={isSubmitting || !isDirty}>
            Save name
          </Button>
        </form>
      </CardContent>
    </Card>
  )
}

function PasswordCard() {
  const update = useUpdateProfile()
  const form = useForm({
    resolver: zodResolver(passwordSchema),
    defaultValues: { current_password: '', new_password: '', confirm: '' },
  })
  const { errors, isSubmitting } = form.formState
  const submit = form.handleSubmit(async (v) => {
    try {
      await update.mutateAsync({ current_password: v.current_password, new_password: v.new_password })
      form.reset()
      toast.success('Password changed; your other sessions are signed out')
    } catch (e) {
      applyProblem(e, form.setError, ['current_password', 'new_password'])
    }
  })
  return (
    <Card>
      <CardHeader>
        <CardTitle>Password</CardTitle>
        <CardDescription>Changing it signs you out everywhere else.</CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={submit} noValidate className="flex max-w-md flex-col gap-4">
          <FormError errors={errors} />
          <Field label="Current password" error={errors.current_password?.message}>
            {(p) => (
              <Input
                {...p}
                type="password"
                autoComplete="current-password"
                {...form.register('current_password')}
              />
            )}
          </Field>
          <Field
            label="New password"
            hint="At least 10 characters; not a common password or your email"
            error={errors.new_password?.message}
          >
            {(p) => (
              <Input {...p} type="password" autoComplete="new-password" {...form.register('new_password')} />
            )}
          </Field>
          <Field label="New password again" error={errors.confirm?.message}>
            {(p) => (
              <Input {...p} type="password" autoComplete="new-password" {...form.register('confirm')} />
            )}
          </Field>
          <div>
            <Button type="submit" disabled={isSubmitting}>
              {isSubmitting ? 'Changing…' : 'Change password'}
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  )
}

export function ProfilePage() {
  return (
    <>
      <PageHeader title="Profile" />
      <div className="flex flex-col gap-4">
        <NameCard />
        <PasswordCard />
      </div>
    </>
  )
}
