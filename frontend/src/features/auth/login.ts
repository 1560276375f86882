export interface OrganizationChoice {
  slug: string
  name: string
}

/**
 * The organizations a 409 login answer names: its `organizations` member when the API sends one,
 * else the slugs listed in the detail ("… set to one of: acme, globex."). An empty list means the
 * user has to type one.
 */
export function organizationsIn(problem: {
  detail?: string | null
  organizations?: unknown
}): OrganizationChoice[] {
  if (Array.isArray(problem.organizations)) {
    return (problem.organizations as Partial<OrganizationChoice>[])
      .filter((o): o is OrganizationChoice => typeof o.slug === 'string')
      .map((o) => ({ slug: o.slug, name: o.name ?? o.slug }))
  }
  const match = /one of: (.+?)\.?$/.exec(problem.detail ?? '')
  if (!match?.[1]) return []
  return match[1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((slug) => ({ slug, name: slug }))
}

/** When a 429 with `Retry-After: seconds` allows the next attempt (a minute when it says nothing). */
export function retryTime(seconds: number | null): Date {
  return new Date(Date.now() + (seconds ?? 60) * 1000)
}

/** When to try again after a 429, in words. */
export function retryMessage(at: Date, now = new Date()): string {
  const seconds = Math.max(1, Math.round((at.getTime() - now.getTime()) / 1000))
  const wait = seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`
  const time = at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
  return `Too many sign-in attempts. Try again in ${wait} (at ${time}).`
}

/** Where to go after signing in: a path of this app, never another site. */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) return '/'
  return next
}
