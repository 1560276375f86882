// Every query of an organization's data is keyed ['org', orgId, resource, params], so signing
// into another organization can never show cached data of the previous one, and invalidating a
// resource (or the whole organization) is one prefix.

export type OrgResource =
  | 'extensions'
  | 'phone-numbers'
  | 'users'
  | 'invitations'
  | 'ring-groups'
  | 'business-hours'
  | 'ivr-menus'
  | 'conference-rooms'
  | 'announcements'
  | 'outbound-routes'
  | 'organization'
  | 'profile'
  | 'sip-password'
  | 'call-logs'
  | 'live-calls'
  | 'simulations'
  | 'cloudonix'
  | 'jobs'
  | 'audit-log'
  | 'call-flows'
  | 'references'
  | 'call-stats'
  | 'voicemail'
  | 'recordings'

// A platform operator's queries are keyed ['platform', …]: apart from every organization's, and
// cleared together when the operator signs in or out.
export type PlatformResource = 'operator' | 'organizations' | 'audit-log'

export const keys = {
  me: ['me'] as const,
  platform: ['platform'] as const,
  platformList: <Q extends object>(resource: PlatformResource, query: Q) =>
    ['platform', resource, { list: query }] as const,
  platformDetail: (resource: PlatformResource, id: string) => ['platform', resource, { id }] as const,
  org: (orgId: string) => ['org', orgId] as const,
  resource: (orgId: string, resource: OrgResource) => ['org', orgId, resource] as const,
  list: <Q extends object>(orgId: string, resource: OrgResource, query: Q) =>
    ['org', orgId, resource, { list: query }] as const,
  detail: (orgId: string, resource: OrgResource, id: string) => ['org', orgId, resource, { id }] as const,
}
