import { Link } from '@tanstack/react-router'
import { useState } from 'react'
import { z } from 'zod'
import { isApiError } from '@/api/client'
import { AuthCard } from '@/components/auth-card'
import { Field } from '@/components/field'
import { ApiForm } from '@/components/form-parts'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { Input } from '@/components/ui/input'
import { newPassword, notTheSame, sameTwice } from '@/lib/forms'
import { retryMessage, retryTime } from '@/lib/sign-in'
import { useApiForm } from '@/lib/use-api-form'
import { confirmReset, linkGone, requestReset } from './account-links'
import { LinkGone, NewPasswordFields } from './link-pages'

function BackToSignIn() {
  return (
    <Link to="/login" className="text-center text-sm text-primary hover:underline">
      Back to sign-in
    </Link>
  )
}

// The API's `LoginEmail`: whatever was typed at sign-in, 3 to 255 characters.
const requestSchema = z.object({
  email: z.string().trim().min(3, 'is required').max(255, 'must be at most 255 characters'),
})

/** "Forgot password": the answer is the same whether or not the email has an account. */
export function ForgotPasswordPage() {
  const [sent, setSent] = useState<string | null>(null)
  const { form, submit } = useApiForm({
    schema: requestSchema,
    defaultValues: { email: '' },
    fields: ['email'],
    onSubmit: async ({ email }) => {
      try {
        setSent((await requestReset({ email: email.trim() })).detail)
      } catch (e) {
        if (!isApiError(e, 429)) throw e
        form.setError('root.server', {
          message: retryMessage(retryTime(e.retryAfter), new Date(), 'requests'),
        })
      }
    },
  })
  const { errors, isSubmitting } = form.formState
  return (
    <AuthCard
      title="Reset your password"
      description="Type the email you sign in with: we mail you a link to choose a new password."
    >
      {sent ? (
        <div className="flex flex-col gap-4">
          <Alert role="status">{sent}</Alert>
          <p className="text-sm text-muted-foreground">
            The link works once, for an hour. No mail after a few minutes? Check the spam folder or the
            spelling of the email, and ask again.
          </p>
          <BackToSignIn />
        </div>
      ) : (
        <ApiForm form={form} onSubmit={submit} actions={false}>
          <Field label="Email" error={errors.email?.message}>
            {(p) => <Input {...p} type="email" autoComplete="username" {...form.register('email')} />}
          </Field>
          <Button type="submit" disabled={isSubmitting}>
            {isSubmitting ? 'Sending…' : 'Send me a link'}
          </Button>
          <BackToSignIn />
        </ApiForm>
      )}
    </AuthCard>
  )
}

const resetSchema = z.object(newPassword).refine(sameTwice, notTheSame)

/** The reset link's page: a new password, which also signs the account out everywhere. */
export function ResetPasswordPage({ token }: { token: string | null }) {
  const [done, setDone] = useState(false)
  const [gone, setGone] = useState<string | null>(
    token ? null : 'This link is incomplete: open the whole link from the mail.',
  )
  const { form, submit } = useApiForm({
    schema: resetSchema,
    defaultValues: { password: '', confirm: '' },
    fields: ['password'],
    onSubmit: async ({ password }) => {
      try {
        await confirmReset({ token: token ?? '', password })
        setDone(true)
      } catch (e) {
        const reason = linkGone(e)
        if (!reason) throw e
        setGone(reason)
      }
    },
  })
  const { errors, isSubmitting } = form.formState
  let body
  if (gone) body = <LinkGone message={gone} next="reset" />
  else if (done)
    body = (
      <div className="flex flex-col gap-4">
        <Alert role="status">Your password is changed, and every earlier sign-in has ended.</Alert>
        <Button asChild>
          <Link to="/login">Sign in</Link>
        </Button>
      </div>
    )
  else
    body = (
      <ApiForm form={form} onSubmit={submit} actions={false}>
        <NewPasswordFields
          password={form.register('password')}
          confirm={form.register('confirm')}
          errors={errors}
        />
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? 'Saving…' : 'Set my new password'}
        </Button>
      </ApiForm>
    )
  return (
    <AuthCard title="Choose a new password" description="For your OpBX account.">
      {body}
    </AuthCard>
  )
}
