import { type ErrorComponentProps, Link, useRouter } from '@tanstack/react-router'
import { LockIcon, PauseCircleIcon } from 'lucide-react'
import { isApiError } from '@/api/client'
import { problemMessage } from '@/api/problem'
import { ForbiddenError } from '@/lib/guard'
import { NotFound } from './not-found'
import { ErrorState } from './states'
import { Button } from './ui/button'

export function Forbidden() {
  return (
    <div className="mx-auto flex max-w-md flex-col items-center gap-3 px-4 py-16 text-center">
      <LockIcon className="size-10 text-muted-foreground" aria-hidden />
      <h1 className="text-xl font-semibold">Not available for your role</h1>
      <p className="text-sm text-muted-foreground">
        Ask an owner or PBX admin of your organization if you need access.
      </p>
      <Button asChild variant="outline">
        <Link to="/">Go to the overview</Link>
      </Button>
    </div>
  )
}

/** The organization's tokens stopped working because a platform operator suspended it. */
function Suspended({ detail }: { detail: string }) {
  return (
    <div className="mx-auto flex max-w-md flex-col items-center gap-3 px-4 py-16 text-center">
      <PauseCircleIcon className="size-10 text-muted-foreground" aria-hidden />
      <h1 className="text-xl font-semibold">Organization suspended</h1>
      <p className="text-sm text-muted-foreground">{detail}</p>
    </div>
  )
}

/** What a route shows when loading it failed. */
export function RouteError({ error, reset }: ErrorComponentProps) {
  const router = useRouter()
  if (isApiError(error, 403) && error.problem.type === 'urn:opbx:problem:organization-suspended')
    return <Suspended detail={problemMessage(error)} />
  if (error instanceof ForbiddenError || isApiError(error, 403)) return <Forbidden />
  if (isApiError(error, 404)) return <NotFound />
  return (
    <ErrorState
      error={error}
      onRetry={() => {
        reset()
        void router.invalidate()
      }}
    />
  )
}
