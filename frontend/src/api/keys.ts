// Every query of an organization's data is keyed ['org', orgId, resource, params], so signing
// into another organization can never show cached data of the previous one, and invalidating a
// resource (or the whole organization) is one prefix.

export type OrgResource =
  | 'extensions'
  | 'phone-numbers'
  | 'users'
  | 'ring-groups'
  | 'business-hours'
  | 'ivr-menus'
  | 'conference-rooms'
  | 'outbound-routes'
  | 'organization'
  | 'profile'
  | 'sip-password'
  | 'call-logs'
  | 'live-calls'
  | 'simulations'
  | 'call-stats'
  | 'voicemail'

export const keys = {
  me: ['me'] as const,
  org: (orgId: string) => ['org', orgId] as const,
  resource: (orgId: string, resource: OrgResource) => ['org', orgId, resource] as const,
  list: <Q extends object>(orgId: string, resource: OrgResource, query: Q) =>
    ['org', orgId, resource, { list: query }] as const,
  detail: (orgId: string, resource: OrgResource, id: string) => ['org', orgId, resource, { id }] as const,
}
