import {
  ActivityIcon,
  MegaphoneIcon,
  AudioLinesIcon,
  BuildingIcon,
  CalendarClockIcon,
  CloudIcon,
  FileAudioIcon,
  FlaskConicalIcon,
  HistoryIcon,
  HomeIcon,
  type LucideIcon,
  NetworkIcon,
  PhoneIcon,
  PhoneOutgoingIcon,
  ScrollTextIcon,
  UsersIcon,
  UsersRoundIcon,
  VoicemailIcon,
  WorkflowIcon,
  ContactRoundIcon,
} from 'lucide-react'
import { atLeast, canManageUsers, canReadConfig, canReadOrganization, type Role } from '@/lib/roles'

// The sidebar, by role: each entry appears only for the roles whose requests the server accepts.

export interface NavItem {
  to:
    | '/'
    | '/live'
    | '/call-logs'
    | '/voicemail'
    | '/simulator'
    | '/extensions'
    | '/phone-numbers'
    | '/ring-groups'
    | '/business-hours'
    | '/ivr-menus'
    | '/conference-rooms'
    | '/announcements'
    | '/outbound-routes'
    | '/recordings'
    | '/users'
    | '/settings/organization'
    | '/settings/cloudonix'
    | '/audit-log'
  label: string
  icon: LucideIcon
  visible: (role: Role) => boolean
}

export interface NavGroup {
  label: string
  items: NavItem[]
}

const everyone = () => true
const admins = (role: Role) => atLeast(role, 'pbx_admin')

export const navGroups: NavGroup[] = [
  {
    label: 'Overview',
    items: [{ to: '/', label: 'Overview', icon: HomeIcon, visible: everyone }],
  },
  {
    label: 'Calls',
    items: [
      { to: '/live', label: 'Live calls', icon: ActivityIcon, visible: everyone },
      { to: '/call-logs', label: 'Call history', icon: HistoryIcon, visible: everyone },
      { to: '/voicemail', label: 'Voicemail', icon: VoicemailIcon, visible: canReadConfig },
      { to: '/simulator', label: 'Routing simulator', icon: FlaskConicalIcon, visible: canReadConfig },
    ],
  },
  {
    label: 'Phone system',
    items: [
      { to: '/extensions', label: 'Extensions', icon: ContactRoundIcon, visible: canReadConfig },
      { to: '/phone-numbers', label: 'Phone numbers', icon: PhoneIcon, visible: canReadConfig },
      { to: '/ring-groups', label: 'Ring groups', icon: UsersRoundIcon, visible: canReadConfig },
      { to: '/business-hours', label: 'Business hours', icon: CalendarClockIcon, visible: canReadConfig },
      { to: '/ivr-menus', label: 'IVR menus', icon: WorkflowIcon, visible: canReadConfig },
      { to: '/conference-rooms', label: 'Conference rooms', icon: AudioLinesIcon, visible: canReadConfig },
      { to: '/announcements', label: 'Announcements', icon: MegaphoneIcon, visible: canReadConfig },
      { to: '/outbound-routes', label: 'Outbound routes', icon: PhoneOutgoingIcon, visible: canReadConfig },
      { to: '/recordings', label: 'Recordings', icon: FileAudioIcon, visible: canReadConfig },
    ],
  },
  {
    label: 'Administration',
    items: [
      { to: '/users', label: 'Users', icon: UsersIcon, visible: canManageUsers },
      {
        to: '/settings/organization',
        label: 'Organization',
        icon: BuildingIcon,
        visible: canReadOrganization,
      },
      { to: '/settings/cloudonix', label: 'Cloudonix', icon: CloudIcon, visible: admins },
      { to: '/audit-log', label: 'Audit log', icon: ScrollTextIcon, visible: admins },
    ],
  },
]

/** The groups and entries `role` may use (groups left empty are dropped). */
export function navFor(role: Role): NavGroup[] {
  return navGroups
    .map((g) => ({ ...g, items: g.items.filter((i) => i.visible(role)) }))
    .filter((g) => g.items.length > 0)
}

export { NetworkIcon as BrandIcon }
