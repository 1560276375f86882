import { z } from 'zod'
import type { Schemas } from '@/api/client'
import { extensionNumber, name, orNull } from '@/lib/forms'

// Limits from shared/src/http/api/rules.rs (MAX_PARTICIPANTS, pin).
export const MAX_PARTICIPANTS = { min: 2, max: 250 }

/** What happens to the PIN on save: the server never tells it, only whether there is one. */
export type PinAction = 'keep' | 'set' | 'remove'

export const conferenceRoomSchema = z
  .object({
    name,
    number: z.union([z.literal(''), extensionNumber]),
    max_participants: z
      .number({ error: 'must be a number of participants' })
      .int('must be a whole number')
      .min(MAX_PARTICIPANTS.min, `must be ${MAX_PARTICIPANTS.min} to ${MAX_PARTICIPANTS.max} participants`)
      .max(MAX_PARTICIPANTS.max, `must be ${MAX_PARTICIPANTS.min} to ${MAX_PARTICIPANTS.max} participants`),
    pin_action: z.enum(['keep', 'set', 'remove']),
    pin: z.string(),
    mute_on_entry: z.boolean(),
    announce_join_leave: z.boolean(),
    wait_for_moderator: z.boolean(),
    record: z.boolean(),
    hold_music_recording_id: z.string(),
    status: z.enum(['active', 'inactive']),
  })
  .refine((v) => v.pin_action !== 'set' || /^[0-9]{4,10}$/.test(v.pin), {
    path: ['pin'],
    message: 'must be 4 to 10 digits',
  })

export type ConferenceRoomValues = z.infer<typeof conferenceRoomSchema>
export type ConferenceRoomView = Schemas['ConferenceRoomView']

export const conferenceRoomFields = [
  'name',
  'number',
  'max_participants',
  'pin',
  'mute_on_entry',
  'announce_join_leave',
  'wait_for_moderator',
  'record',
  'hold_music_recording_id',
  'status',
]

export const newConferenceRoom: ConferenceRoomValues = {
  name: '',
  number: '',
  max_participants: 50,
  pin_action: 'keep',
  pin: '',
  mute_on_entry: false,
  announce_join_leave: false,
  wait_for_moderator: false,
  record: false,
  hold_music_recording_id: '',
  status: 'active',
}

export function toValues(r: ConferenceRoomView): ConferenceRoomValues {
  return {
    name: r.name,
    number: r.number ?? '',
    max_participants: r.max_participants,
    pin_action: 'keep',
    pin: '',
    mute_on_entry: r.mute_on_entry,
    announce_join_leave: r.announce_join_leave,
    wait_for_moderator: r.wait_for_moderator,
    record: r.record,
    hold_music_recording_id: r.hold_music_recording_id ?? '',
    status: r.status,
  }
}

/** The settings both a new room and a change carry. */
function settings(v: ConferenceRoomValues) {
  return {
    name: v.name.trim(),
    number: orNull(v.number),
    max_participants: v.max_participants,
    mute_on_entry: v.mute_on_entry,
    announce_join_leave: v.announce_join_leave,
    wait_for_moderator: v.wait_for_moderator,
    record: v.record,
    hold_music_recording_id: orNull(v.hold_music_recording_id),
    status: v.status,
  }
}

export function toNew(v: ConferenceRoomValues): Schemas['NewConferenceRoom'] {
  return { ...settings(v), pin: v.pin_action === 'set' ? v.pin : null }
}

export function toUpdate(v: ConferenceRoomValues): Schemas['ConferenceRoomUpdate'] {
  const body: Schemas['ConferenceRoomUpdate'] = settings(v)
  // Absent keeps the PIN; null removes it.
  if (v.pin_action === 'set') body.pin = v.pin
  if (v.pin_action === 'remove') body.pin = null
  return body
}
