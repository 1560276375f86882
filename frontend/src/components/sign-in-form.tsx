import { zodResolver } from '@hookform/resolvers/zod'
import { type ReactNode, useState } from 'react'
import { type UseFormReturn, useForm } from 'react-hook-form'
import { z } from 'zod'
import { isApiError } from '@/api/client'
import { applyProblem } from '@/api/problem'
import { retryMessage, retryTime } from '@/lib/sign-in'
import { Field, FormError } from './field'
import { Alert } from './ui/alert'
import { Button } from './ui/button'
import { Input } from './ui/input'

const schema = z.object({
  email: z.string().trim().min(3, 'is required').max(255, 'must be at most 255 characters'),
  password: z.string().min(1, 'is required').max(256, 'must be at most 256 characters'),
  organization: z.string(),
})
export type SignInValues = z.infer<typeof schema>
export type SignInForm = UseFormReturn<SignInValues>

/**
 * Email and password, for organization users and platform operators alike: a wrong pair, a
 * throttled address and invalid fields are explained here; `onError` explains anything else
 * first (returning true when it did).
 */
export function SignInForm({
  signIn,
  onError,
  renderExtra,
  footer,
}: {
  signIn: (values: SignInValues) => Promise<unknown>
  onError?: (error: unknown, form: SignInForm) => boolean
  /** Fields after the password (the organization to sign in to). */
  renderExtra?: (form: SignInForm) => ReactNode
  /** Under the button (the "forgot password" link). */
  footer?: ReactNode
}) {
  const [retryAt, setRetryAt] = useState<Date | null>(null)
  const form = useForm<SignInValues>({
    resolver: zodResolver(schema),
    defaultValues: { email: '', password: '', organization: '' },
  })
  const { errors, isSubmitting } = form.formState

  const submit = form.handleSubmit(async (values) => {
    setRetryAt(null)
    try {
      await signIn(values)
    } catch (e) {
      if (onError?.(e, form)) return
      if (isApiError(e, 429)) setRetryAt(retryTime(e.retryAfter))
      else if (isApiError(e, 401)) form.setError('root.server', { message: 'Wrong email or password.' })
      else applyProblem(e, form.setError, ['email', 'password', 'organization'])
    }
  })

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4">
      {retryAt ? <Alert variant="destructive">{retryMessage(retryAt)}</Alert> : <FormError errors={errors} />}
      <Field label="Email" error={errors.email?.message}>
        {(p) => <Input {...p} type="email" autoComplete="username" {...form.register('email')} />}
      </Field>
      <Field label="Password" error={errors.password?.message}>
        {(p) => (
          <Input {...p} type="password" autoComplete="current-password" {...form.register('password')} />
        )}
      </Field>
      {renderExtra?.(form)}
      <Button type="submit" disabled={isSubmitting}>
        {isSubmitting ? 'Signing in…' : 'Sign in'}
      </Button>
      {footer}
    </form>
  )
}
