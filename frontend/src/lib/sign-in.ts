// What both sign-in pages (organization users and platform operators) share.

/** When a 429 with `Retry-After: seconds` allows the next attempt (a minute when it says nothing). */
export function retryTime(seconds: number | null): Date {
  return new Date(Date.now() + (seconds ?? 60) * 1000)
}

/** When to try again after a 429, in words. */
export function retryMessage(at: Date, now = new Date(), what = 'sign-in attempts'): string {
  const seconds = Math.max(1, Math.round((at.getTime() - now.getTime()) / 1000))
  const wait = seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`
  const time = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
  return `Too many ${what}. Try again in ${wait} (at ${time}).`
}

/**
 * Where to go after signing in: a path of this app under `home`, never another site nor the
 * sign-in page itself.
 */
export function safeNext(next: string | undefined, home = '/', login = '/login'): string {
  if (!next || !next.startsWith(home) || next.startsWith('//') || next.startsWith(login)) return home
  return next
}
