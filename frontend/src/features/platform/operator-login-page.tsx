import { useRouter } from '@tanstack/react-router'
import { useOperatorSignIn } from '@/api/operator'
import { AuthCard } from '@/components/auth-card'
import { SignInForm } from '@/components/sign-in-form'
import { safeNext } from '@/lib/sign-in'

/** Platform operators sign in here, apart from any organization. */
export function OperatorLoginPage({ next }: { next?: string }) {
  const router = useRouter()
  const signIn = useOperatorSignIn()
  return (
    <AuthCard
      title="OpBX platform"
      description="For platform operators, who create and suspend organizations. Organization users sign in at the main sign-in page."
    >
      <SignInForm
        signIn={async ({ email, password }) => {
          await signIn.mutateAsync({ email, password })
          router.history.push(safeNext(next, '/platform', '/platform/login'))
        }}
      />
    </AuthCard>
  )
}
