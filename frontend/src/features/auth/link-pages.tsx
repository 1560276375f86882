import { Link } from '@tanstack/react-router'
import type { UseFormRegisterReturn } from 'react-hook-form'
import { Field } from '@/components/field'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { Input } from '@/components/ui/input'

/** What a dead link's page says instead of its form, and where to go from there. */
export function LinkGone({ message, next }: { message: string; next: 'invitation' | 'reset' }) {
  return (
    <div className="flex flex-col gap-4">
      <Alert variant="destructive">{message}</Alert>
      <p className="text-sm text-muted-foreground">
        {next === 'invitation'
          ? 'Ask whoever invited you to send a new invitation. If you already accepted it, sign in.'
          : 'Ask for a new link: it works for an hour.'}
      </p>
      <Button asChild>
        {next === 'invitation' ? (
          <Link to="/login">Go to sign-in</Link>
        ) : (
          <Link to="/forgot-password">Send me a new link</Link>
        )}
      </Button>
    </div>
  )
}

/** A new password typed twice (forms built with `confirmed` from lib/forms). */
export function NewPasswordFields({
  password,
  confirm,
  errors,
}: {
  password: UseFormRegisterReturn
  confirm: UseFormRegisterReturn
  errors: { password?: { message?: string }; confirm?: { message?: string } }
}) {
  return (
    <>
      <Field
        label="Password"
        hint="At least 10 characters; not a common password or your email"
        error={errors.password?.message}
      >
        {(p) => <Input {...p} type="password" autoComplete="new-password" {...password} />}
      </Field>
      <Field label="Password again" error={errors.confirm?.message}>
        {(p) => <Input {...p} type="password" autoComplete="new-password" {...confirm} />}
      </Field>
    </>
  )
}
