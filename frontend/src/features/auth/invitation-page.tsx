import { useRouter } from '@tanstack/react-router'
import { useState } from 'react'
import { useSignIn } from '@/api/me'
import { AuthCard } from '@/components/auth-card'
import { Field } from '@/components/field'
import { ApiForm } from '@/components/form-parts'
import { Button } from '@/components/ui/button'
import { Input } from '@/components/ui/input'
import { z } from 'zod'
import { longName, newPassword, notTheSame, sameTwice } from '@/lib/forms'
import { useApiForm } from '@/lib/use-api-form'
import { acceptInvitation, linkGone } from './account-links'
import { LinkGone, NewPasswordFields } from './link-pages'

const schema = z.object({ name: longName, ...newPassword }).refine(sameTwice, notTheSame)

/**
 * The invitation link's page: the invited person chooses their name and password, which creates
 * their account, and is signed in to it.
 */
export function InvitationPage({ token }: { token: string | null }) {
  const router = useRouter()
  const signIn = useSignIn()
  const [gone, setGone] = useState<string | null>(
    token ? null : 'This link is incomplete: open the whole link from the invitation mail.',
  )
  const { form, submit } = useApiForm({
    schema,
    defaultValues: { name: '', password: '', confirm: '' },
    fields: ['name', 'password'],
    onSubmit: async ({ name, password }) => {
      let accepted
      try {
        accepted = await acceptInvitation({ token: token ?? '', name: name.trim(), password })
      } catch (e) {
        const reason = linkGone(e)
        if (!reason) throw e
        setGone(reason)
        return
      }
      try {
        await signIn.mutateAsync({
          email: accepted.user.email,
          password,
          organization: accepted.organization.slug,
        })
      } catch {
        // The account exists now; only the automatic sign-in failed (e.g. too many attempts).
        await router.navigate({ to: '/login', search: {} })
        return
      }
      router.history.push('/')
    },
  })
  const { errors } = form.formState

  return (
    <AuthCard
      title="Accept your invitation"
      description="Choose the name your colleagues will see and a password to sign in with."
    >
      {gone ? (
        <LinkGone message={gone} next="invitation" />
      ) : (
        <ApiForm form={form} onSubmit={submit} actions={false}>
          <Field label="Your name" error={errors.name?.message}>
            {(p) => <Input {...p} autoComplete="name" {...form.register('name')} />}
          </Field>
          <NewPasswordFields
            password={form.register('password')}
            confirm={form.register('confirm')}
            errors={errors}
          />
          <Button type="submit" disabled={form.formState.isSubmitting}>
            {form.formState.isSubmitting ? 'Creating your account…' : 'Create my account'}
          </Button>
        </ApiForm>
      )}
    </AuthCard>
  )
}
