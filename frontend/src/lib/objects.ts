// The screen of each kind of object the API names (in 409 references, audit entries, …), so a
// reference can be a link.

export const objectRoutes = {
  extension: '/extensions/$id',
  phone_number: '/phone-numbers/$id',
  ring_group: '/ring-groups/$id',
  business_hours: '/business-hours/$id',
  ivr_menu: '/ivr-menus/$id',
  conference_room: '/conference-rooms/$id',
  announcement: '/announcements/$id',
  outbound_route: '/outbound-routes/$id',
  user: '/users/$id',
} as const

export type ObjectType = keyof typeof objectRoutes

export const objectLabels: Record<ObjectType, string> = {
  extension: 'Extension',
  phone_number: 'Phone number',
  ring_group: 'Ring group',
  business_hours: 'Business hours',
  ivr_menu: 'IVR menu',
  conference_room: 'Conference room',
  announcement: 'Announcement',
  outbound_route: 'Outbound route',
  user: 'User',
}

export function isObjectType(t: string): t is ObjectType {
  return t in objectRoutes
}

/** The screen of the object a destination points at (a voicemail box is set up on its extension). */
export function destinationScreen(type: string) {
  const object = type === 'voicemail' ? 'extension' : type
  return isObjectType(object) ? objectRoutes[object] : null
}
