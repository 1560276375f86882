import { Link } from '@tanstack/react-router'
import { SearchXIcon } from 'lucide-react'
import { Button } from './ui/button'

/** Unknown pages and objects that do not exist in this organization (another tenant's included). */
export function NotFound() {
  return (
    <div className="mx-auto flex max-w-md flex-col items-center gap-3 px-4 py-16 text-center">
      <SearchXIcon className="size-10 text-muted-foreground" aria-hidden />
      <h1 className="text-xl font-semibold">Not found in your organization</h1>
      <p className="text-sm text-muted-foreground">
        This page or object does not exist here. It may have been deleted, or the link may belong to another
        organization.
      </p>
      <Button asChild variant="outline">
        <Link to="/">Go to the overview</Link>
      </Button>
    </div>
  )
}
