import { Link, useRouter } from '@tanstack/react-router'
import { useState } from 'react'
import { isApiError } from '@/api/client'
import { useSignIn } from '@/api/me'
import { AuthCard } from '@/components/auth-card'
import { Field } from '@/components/field'
import { SignInForm } from '@/components/sign-in-form'
import { Input, NativeSelect } from '@/components/ui/input'
import { safeNext } from '@/lib/sign-in'
import { type OrganizationChoice, organizationsIn } from './login'

export function LoginPage({ next }: { next?: string }) {
  const router = useRouter()
  const signIn = useSignIn()
  // Filled when the server answers that the credentials work in several organizations.
  const [organizations, setOrganizations] = useState<OrganizationChoice[] | null>(null)

  return (
    <AuthCard
      title="Sign in to OpBX"
      description="Use the email and password of your account in your organization."
    >
      <SignInForm
        signIn={async (values) => {
          await signIn.mutateAsync({
            email: values.email,
            password: values.password,
            organization: values.organization || null,
          })
          router.history.push(safeNext(next))
        }}
        onError={(e, form) => {
          if (!isApiError(e, 409)) return false
          const choices = organizationsIn(e.problem)
          setOrganizations(choices)
          form.setValue('organization', choices[0]?.slug ?? '')
          form.setError('root.server', {
            message: 'This email belongs to several organizations. Choose the one to sign in to.',
          })
          return true
        }}
        renderExtra={(form) =>
          organizations && (
            <Field
              label="Organization"
              hint={organizations.length ? undefined : 'The short name of your organization, e.g. acme'}
              error={form.formState.errors.organization?.message}
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
          )
        }
        footer={
          <Link to="/forgot-password" className="text-center text-sm text-primary hover:underline">
            Forgot your password?
          </Link>
        }
      />
    </AuthCard>
  )
}
