import { Outlet } from '@tanstack/react-router'

/** The first thing a keyboard reaches: straight past the navigation to the screen. */
export function SkipLink() {
  return (
    <a
      href="#main"
      className="sr-only z-50 rounded-md bg-primary px-3 py-2 text-primary-foreground focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
    >
      Skip to content
    </a>
  )
}

/** Where the current screen renders, below a layout's top bar (the skip link's target). */
export function MainOutlet() {
  return (
    <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 p-4 outline-none sm:p-6">
      <Outlet />
    </main>
  )
}
