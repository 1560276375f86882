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
