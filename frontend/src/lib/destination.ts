import type { Schemas } from '@/api/client'
import {
  announcements,
  businessHours,
  conferenceRooms,
  extensions,
  ivrMenus,
  ringGroups,
} from '@/api/resources'
import { keys, type OrgResource } from '@/api/keys'

// Where a call goes, as a discriminated union: an object of the organization (`id`), an outside
// number (`number`) or hanging up. The API's `Destination` is one flat object today; once it is a
// oneOf on `type`, `DestinationChoice` can become `Schemas['Destination']` itself and the two
// converters below identities.

export type Destination = Schemas['Destination']
export type DestinationType = Destination['type']
export type ObjectDestinationType = Exclude<DestinationType, 'external_number' | 'hangup'>

export type DestinationChoice =
  | { type: ObjectDestinationType; id: string }
  | { type: 'external_number'; number: string }
  | { type: 'hangup' }

type Assert<T extends true> = T
/** Every choice is a valid request body for the API (checked by the compiler). */
export type ChoiceIsSendable = Assert<DestinationChoice extends Destination ? true : false>
/** Every type the API knows is one the picker offers. */
export type EveryTypeOffered = Assert<DestinationType extends DestinationChoice['type'] ? true : false>

export function isObjectType(type: DestinationType): type is ObjectDestinationType {
  return type !== 'external_number' && type !== 'hangup'
}

/** The API's destination as a choice; null when it lacks what its type needs. */
export function fromApi(d: Destination | null | undefined): DestinationChoice | null {
  if (!d) return null
  if (d.type === 'hangup') return { type: 'hangup' }
  if (d.type === 'external_number') return d.number ? { type: d.type, number: d.number } : null
  return d.id ? { type: d.type, id: d.id } : null
}

export function toApi(choice: DestinationChoice): Destination {
  return choice
}

/** What a destination picker needs of an object: its id and how people name it. */
export interface Named {
  id: string
  name: string
  number?: string | null
}

/** The first hundred of a collection, by name: what pickers offer and names are looked up in. */
const PICKER_LIST = { per_page: 100, sort: 'name' } as const

export interface NamedSource {
  label: string
  name: (o: Named) => string
  list: (orgId: string) => {
    queryKey: readonly unknown[]
    queryFn: (ctx: { signal: AbortSignal }) => Promise<{ data: Named[] }>
  }
  detail: (
    orgId: string,
    id: string,
  ) => { queryKey: readonly unknown[]; queryFn: (ctx: { signal: AbortSignal }) => Promise<Named> }
}

/** The part of a collection's client a picker uses (every `Resource` of named objects has it). */
interface NamedCollection {
  name: OrgResource
  fetchList(query: typeof PICKER_LIST, signal?: AbortSignal): Promise<{ data: Named[] }>
  fetchOne(id: string, signal?: AbortSignal): Promise<Named>
}

function named(label: string, source: NamedCollection, name: (o: Named) => string): NamedSource {
  // Same keys as the collection's own list and detail queries, so the cache is shared.
  const query = PICKER_LIST
  return {
    label,
    name,
    list: (orgId) => ({
      queryKey: keys.list(orgId, source.name, query),
      queryFn: ({ signal }) => source.fetchList(query, signal),
    }),
    detail: (orgId, id) => ({
      queryKey: keys.detail(orgId, source.name, id),
      queryFn: ({ signal }) => source.fetchOne(id, signal),
    }),
  }
}

/** How each object destination is listed and named, and which collection holds its objects. */
export const objectSources: Record<ObjectDestinationType, NamedSource> = {
  extension: named('Extension', extensions, (o) => `${o.number} · ${o.name}`),
  voicemail: named('Voicemail', extensions, (o) => `Voicemail of ${o.number} · ${o.name}`),
  ring_group: named('Ring group', ringGroups, (o) => o.name),
  business_hours: named('Business hours', businessHours, (o) => o.name),
  ivr_menu: named('IVR menu', ivrMenus, (o) => o.name),
  conference_room: named('Conference room', conferenceRooms, (o) =>
    o.number ? `${o.name} (${o.number})` : o.name,
  ),
  announcement: named('Announcement', announcements, (o) => o.name),
}

export const destinationTypeLabels: Record<DestinationType, string> = {
  ...Object.fromEntries(Object.entries(objectSources).map(([k, v]) => [k, v.label])),
  external_number: 'Outside number',
  hangup: 'Hang up',
} as Record<DestinationType, string>

/** The order the picker offers the types in. */
export const destinationTypes: DestinationType[] = [
  'extension',
  'ring_group',
  'ivr_menu',
  'business_hours',
  'voicemail',
  'conference_room',
  'announcement',
  'external_number',
  'hangup',
]
