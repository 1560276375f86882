import { Link, useNavigate } from '@tanstack/react-router'
import { LogOutIcon, MenuIcon, UserIcon, XIcon } from 'lucide-react'
import { useState } from 'react'
import { useMe, useSignOut } from '@/api/me'
import { roleLabels } from '@/lib/roles'
import { Button } from '../ui/button'
import { Dialog, DialogClose, DialogDescription, DialogTitle, SheetContent } from '../ui/dialog'
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '../ui/dropdown-menu'
import { BrandIcon, navFor } from './nav'
import { MainOutlet, SkipLink } from './page-frame'
import { ThemeToggle } from './theme-toggle'

function Brand() {
  return (
    <Link to="/" className="flex items-center gap-2 px-2 text-lg font-semibold">
      <BrandIcon className="size-5 text-primary" aria-hidden />
      OpBX
    </Link>
  )
}

function Navigation({ onNavigate }: { onNavigate?: () => void }) {
  const { user } = useMe()
  return (
    <nav aria-label="Main" className="flex flex-col gap-4 overflow-y-auto px-2 pb-4">
      {navFor(user.role).map((group) => (
        <div key={group.label}>
          <p className="px-2 pb-1 text-xs font-medium tracking-wide text-muted-foreground uppercase">
            {group.label}
          </p>
          <ul className="flex flex-col gap-0.5">
            {group.items.map((item) => (
              <li key={item.to}>
                <Link
                  to={item.to}
                  onClick={onNavigate}
                  activeOptions={{ exact: item.to === '/' }}
                  className="flex items-center gap-2 rounded-md px-2 py-1.5 text-sm text-foreground/90 hover:bg-accent hover:text-accent-foreground aria-[current=page]:bg-accent aria-[current=page]:font-medium aria-[current=page]:text-accent-foreground"
                >
                  <item.icon className="size-4 shrink-0" aria-hidden />
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </nav>
  )
}

function UserMenu() {
  const { user } = useMe()
  const signOut = useSignOut()
  const navigate = useNavigate()
  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="sm" className="max-w-48" aria-label={`Account: ${user.name}`}>
          <UserIcon aria-hidden />
          <span className="hidden truncate sm:inline">{user.name}</span>
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        <DropdownMenuLabel>
          <span className="block font-medium">{user.name}</span>
          <span className="block text-xs text-muted-foreground">
            {user.email} · {roleLabels[user.role]}
          </span>
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem asChild>
          <Link to="/profile">
            <UserIcon aria-hidden /> Profile
          </Link>
        </DropdownMenuItem>
        <DropdownMenuItem
          onSelect={() =>
            signOut.mutate(undefined, { onSettled: () => void navigate({ to: '/login', search: {} }) })
          }
        >
          <LogOutIcon aria-hidden /> Sign out
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  )
}

function MobileNavigation() {
  const [open, setOpen] = useState(false)
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <Button
        variant="ghost"
        size="icon"
        className="lg:hidden"
        aria-label="Open navigation"
        onClick={() => setOpen(true)}
      >
        <MenuIcon aria-hidden />
      </Button>
      <SheetContent aria-describedby={undefined}>
        <DialogTitle className="sr-only">Navigation</DialogTitle>
        <DialogDescription className="sr-only">The sections of OpBX</DialogDescription>
        <div className="flex h-14 items-center justify-between border-b px-2">
          <Brand />
          <DialogClose asChild>
            <Button variant="ghost" size="icon" aria-label="Close navigation">
              <XIcon aria-hidden />
            </Button>
          </DialogClose>
        </div>
        <div className="flex-1 overflow-y-auto pt-4">
          <Navigation onNavigate={() => setOpen(false)} />
        </div>
      </SheetContent>
    </Dialog>
  )
}

/** The signed-in layout: sidebar (a sheet on phones), top bar, and the current screen. */
export function AppShell() {
  const { organization } = useMe()
  return (
    <div className="min-h-dvh lg:grid lg:grid-cols-[15rem_minmax(0,1fr)]">
      <SkipLink />
      {/* The column carries the background; the sidebar inside it stays in view while scrolling. */}
      <div className="hidden border-r bg-card lg:block">
        <aside className="sticky top-0 flex h-dvh flex-col">
          <div className="flex h-14 shrink-0 items-center px-2">
            <Brand />
          </div>
          <div className="flex-1 overflow-y-auto pt-2">
            <Navigation />
          </div>
        </aside>
      </div>
      <div className="flex min-w-0 flex-col">
        <header className="sticky top-0 z-30 flex h-14 items-center gap-2 border-b bg-background/95 px-2 backdrop-blur sm:px-4">
          <MobileNavigation />
          <span className="truncate text-sm font-medium" title="Organization">
            {organization.name}
          </span>
          <div className="ml-auto flex items-center gap-1">
            <ThemeToggle />
            <UserMenu />
          </div>
        </header>
        <MainOutlet />
      </div>
    </div>
  )
}
