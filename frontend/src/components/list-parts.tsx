import { Link, type LinkProps } from '@tanstack/react-router'
import { PlusIcon } from 'lucide-react'
import type { ReactNode } from 'react'
import type { StatusFilter } from '@/lib/list-search'
import type { ObjectType, objectRoutes } from '@/lib/objects'
import { cn } from '@/lib/utils'
import { Badge } from './ui/badge'
import { Button } from './ui/button'

// Pieces every list screen has.

export function StatusBadge({ status }: { status: StatusFilter }) {
  return (
    <Badge variant={status === 'active' ? 'success' : 'outline'}>
      {status === 'active' ? 'Active' : 'Inactive'}
    </Badge>
  )
}

/** The cell that opens a row's object (its number or name). */
export function RowLink({
  to,
  id,
  mono = false,
  children,
}: {
  to: (typeof objectRoutes)[ObjectType]
  id: string
  mono?: boolean
  children: ReactNode
}) {
  return (
    <Link
      to={to}
      params={{ id }}
      className={cn('font-medium text-primary hover:underline', mono && 'font-mono')}
    >
      {children}
    </Link>
  )
}

/** The "New …" button of a list's header. */
export function NewLink({ to, children }: { to: LinkProps['to']; children: ReactNode }) {
  return (
    <Button asChild>
      <Link to={to}>
        <PlusIcon aria-hidden /> {children}
      </Link>
    </Button>
  )
}
