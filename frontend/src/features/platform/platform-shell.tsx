import { Link, useNavigate } from '@tanstack/react-router'
import { MainOutlet, SkipLink } from '@/components/layout/page-frame'
import { Building2Icon, LogOutIcon, ScrollTextIcon, ShieldIcon } from 'lucide-react'
import { useOperator, useOperatorSignOut } from '@/api/operator'
import { ThemeToggle } from '@/components/layout/theme-toggle'
import { Button } from '@/components/ui/button'

const links = [
  { to: '/platform', label: 'Organizations', icon: Building2Icon },
  { to: '/platform/audit-log', label: 'Audit log', icon: ScrollTextIcon },
] as const

/** The platform operators' layout: a top bar with their few sections, apart from any organization. */
export function PlatformShell() {
  const operator = useOperator()
  const signOut = useOperatorSignOut()
  const navigate = useNavigate()
  return (
    <div className="flex min-h-dvh flex-col">
      <SkipLink />
      <header className="sticky top-0 z-30 flex h-14 items-center gap-1 border-b bg-background/95 px-2 backdrop-blur sm:gap-2 sm:px-4">
        <Link to="/platform" className="flex items-center gap-2 px-1 font-semibold">
          <ShieldIcon className="size-5 text-primary" aria-hidden />
          <span className="sr-only sm:not-sr-only">OpBX platform</span>
        </Link>
        <nav aria-label="Platform" className="flex items-center gap-0.5">
          {links.map((l) => (
            <Link
              key={l.to}
              to={l.to}
              activeOptions={{ exact: l.to === '/platform', includeSearch: false }}
              className="flex items-center gap-1.5 rounded-md px-2 py-1.5 text-sm hover:bg-accent aria-[current=page]:bg-accent aria-[current=page]:font-medium"
            >
              <l.icon className="size-4" aria-hidden />
              {l.label}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex min-w-0 items-center gap-1">
          <span
            className="hidden truncate text-sm text-muted-foreground md:inline"
            title="Signed in operator"
          >
            {operator.email}
          </span>
          <ThemeToggle />
          <Button
            variant="ghost"
            size="sm"
            aria-label="Sign out"
            onClick={() =>
              signOut.mutate(undefined, {
                onSettled: () => void navigate({ to: '/platform/login', search: {} }),
              })
            }
          >
            <LogOutIcon aria-hidden />
            <span className="hidden sm:inline">Sign out</span>
          </Button>
        </div>
      </header>
      <MainOutlet />
    </div>
  )
}
