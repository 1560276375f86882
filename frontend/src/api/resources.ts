import { resource } from './resource'

// The organization's configuration collections, one typed client each (see resource.ts).
export const extensions = resource('/api/v1/extensions', 'extensions')
export const phoneNumbers = resource('/api/v1/phone-numbers', 'phone-numbers')
export const users = resource('/api/v1/users', 'users')
export const ringGroups = resource('/api/v1/ring-groups', 'ring-groups')
export const businessHours = resource('/api/v1/business-hours', 'business-hours')
export const ivrMenus = resource('/api/v1/ivr-menus', 'ivr-menus')
export const conferenceRooms = resource('/api/v1/conference-rooms', 'conference-rooms')
export const announcements = resource('/api/v1/announcements', 'announcements')
export const outboundRoutes = resource('/api/v1/outbound-routes', 'outbound-routes')
export const recordings = resource('/api/v1/recordings', 'recordings')
