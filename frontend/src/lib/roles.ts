import type { Schemas } from '@/api/client'

// What each role may do, as the server enforces it (ARCHITECTURE §6 and each resource's
// `caller.require`). The UI hides what the server would refuse; the server still decides.

export type Role = Schemas['Role']

const rank: Record<Role, number> = { reporter: 0, pbx_user: 1, pbx_admin: 2, owner: 3 }

export const roleLabels: Record<Role, string> = {
  owner: 'Owner',
  pbx_admin: 'PBX admin',
  pbx_user: 'PBX user',
  reporter: 'Reporter',
}

export const roleDescriptions: Record<Role, string> = {
  owner: 'Everything, including organization and Cloudonix settings and other owners.',
  pbx_admin: 'All configuration, and users who are PBX users or reporters.',
  pbx_user: 'Reads the configuration; changes the call handling of their own extensions.',
  reporter: 'Call history and reports only.',
}

export function atLeast(role: Role, least: Role): boolean {
  return rank[role] >= rank[least]
}

/** Reads phone-system configuration (extensions, numbers, groups, …). */
export const canReadConfig = (role: Role) => atLeast(role, 'pbx_user')
/** Creates, changes and deletes configuration. */
export const canWriteConfig = (role: Role) => atLeast(role, 'pbx_admin')
/** Sees and manages users (within `assignableRoles`). */
export const canManageUsers = (role: Role) => atLeast(role, 'pbx_admin')
/** Reads the organization settings; only owners change them. */
export const canReadOrganization = (role: Role) => atLeast(role, 'pbx_admin')
export const canWriteOrganization = (role: Role) => role === 'owner'

/** The roles a caller may grant, and whose holders they may manage: owners all, PBX admins those below them. */
export function assignableRoles(role: Role): Role[] {
  if (role === 'owner') return ['owner', 'pbx_admin', 'pbx_user', 'reporter']
  if (role === 'pbx_admin') return ['pbx_user', 'reporter']
  return []
}

export function canManageUser(caller: Role, target: Role): boolean {
  return assignableRoles(caller).includes(target)
}
