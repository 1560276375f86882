import { zodResolver } from '@hookform/resolvers/zod'
import { useRouter } from '@tanstack/react-router'
import { useState } from 'react'
import { useForm } from 'react-hook-form'
import { z } from 'zod'
import { isApiError } from '@/api/client'
import { useSignIn } from '@/api/me'
import { applyProblem } from '@/api/problem'
import { Field, FormError } from '@/components/field'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { Card, CardContent, CardDescription, CardHeader } from '@/components/ui/card'
import { Input, NativeSelect } from '@/components/ui/input'
import { type OrganizationChoice, organizationsIn, retryMessage, retryTime, safeNext } from './login'

const schema = z.object({
  email: z.string().trim().min(3, 'is required').max(255, 'must be at most 255 characters'),
  password: z.string().min(1, 'is required').max(256, 'must be at most 256 characters'),
  organization: z.string(),
})
type Values = z.infer<typeof schema>

export function LoginPage({ next }: { next?: string }) {
  const router = useRouter()
  const signIn = useSignIn()
  // Filled when the server answers that the credentials work in several organizations.
  const [organizations, setOrganizations] = useState<OrganizationChoice[] | null>(null)
  const [retryAt, setRetryAt] = useState<Date | null>(null)
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { email: '', password: '', organization: '' },
  })
  const { errors, isSubmitting } = form.formState

  const submit = form.handleSubmit(async (values) => {
    setRetryAt(null)
    try {
      await signIn.mutateAsync({
        email: values.email,
        password: values.password,
        organization: values.organization || null,
      })
      router.history.push(safeNext(next))
    } catch (e) {
      if (isApiError(e, 409)) {
        const choices = organizationsIn(e.problem)
        setOrganizations(choices)
        form.setValue('organization', choices[0]?.slug ?? '')
        form.setError('root.server', {
          message: 'This email belongs to several organizations. Choose the one to sign in to.',
        })
      } else if (isApiError(e, 429)) {
        setRetryAt(retryTime(e.retryAfter))
      } else if (isApiError(e, 401)) {
        form.setError('root.server', { message: 'Wrong email or password.' })
      } else {
        applyProblem(e, form.setError, ['email', 'password', 'organization'])
      }
    }
  })

  return (
    <main className="flex min-h-dvh items-center justify-center bg-muted/40 p-4">
      <Card className="w-full max-w-sm">
        <CardHeader>
          <h1 className="text-xl font-semibold">Sign in to OpBX</h1>
          <CardDescription>Use the email and password your administrator gave you.</CardDescription>
        </CardHeader>
        <CardContent>
          <form onSubmit={submit} noValidate className="flex flex-col gap-4">
            {retryAt ? (
              <Alert variant="destructive">{retryMessage(retryAt)}</Alert>
            ) : (
              <FormError errors={errors} />
            )}
            <Field label="Email" error={errors.email?.message}>
              {(p) => <Input {...p} type="email" autoComplete="username" {...form.register('email')} />}
            </Field>
            <Field label="Password" error={errors.password?.message}>
              {(p) => (
                <Input
                  {...p}
                  type="password"
                  autoComplete="current-password"
                  {...form.register('password')}
                />
              )}
            </Field>
            {organizations && (
              <Field
                label="Organization"
                hint={organizations.length ? undefined : 'The short name of your organization, e.g. acme'}
                error={errors.organization?.message}
              >
                {(p) =>
                  organizations.length ? (
                    <NativeSelect {...p} {...form.register('organization')}>
                      {organizations.map((o) => (
                        <option key={o.slug} value={o.slug}>
                          {o.name === o.slug ? o.slug : `${o.name} (${o.slug})`}
                        </option>
                      ))}
                    </NativeSelect>
                  ) : (
                    <Input {...p} autoComplete="organization" {...form.register('organization')} />
                  )
                }
              </Field>
            )}
            <Button type="submit" disabled={isSubmitting}>
              {isSubmitting ? 'Signing in…' : 'Sign in'}
            </Button>
          </form>
        </CardContent>
      </Card>
    </main>
  )
}
