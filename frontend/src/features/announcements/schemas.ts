import { z } from 'zod'
import type { Schemas } from '@/api/client'
import { fromApi, toApi } from '@/lib/destination'
import { destination, name, orNull } from '@/lib/forms'

// Limits from shared/src/http/api/rules.rs (SPEECH_MAX) and announcements.rs (voice: 64).
const SPEECH_MAX = 1000
const VOICE_MAX = 64

export const announcementSchema = z
  .object({
    name,
    plays: z.enum(['recording', 'text']),
    recording_id: z.string(),
    text: z.string().trim().max(SPEECH_MAX, `must be at most ${SPEECH_MAX} characters`),
    voice: z.string().trim().max(VOICE_MAX, `must be at most ${VOICE_MAX} characters`),
    next: destination,
  })
  .superRefine((v, ctx) => {
    if (v.plays === 'recording' && !v.recording_id)
      ctx.addIssue({ code: 'custom', path: ['recording_id'], message: 'choose a recording' })
    if (v.plays === 'text' && !v.text)
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'is required: what callers hear' })
  })

export type AnnouncementValues = z.infer<typeof announcementSchema>
export type AnnouncementView = Schemas['AnnouncementView']

export const announcementFields = ['name', 'recording_id', 'text', 'voice', 'next']

export const newAnnouncement: AnnouncementValues = {
  name: '',
  plays: 'recording',
  recording_id: '',
  text: '',
  voice: '',
  next: { type: 'hangup' },
}

export function toValues(a: AnnouncementView): AnnouncementValues {
  return {
    name: a.name,
    // The recording wins when both are set, as the routing engine plays it.
    plays: a.recording_id ? 'recording' : 'text',
    recording_id: a.recording_id ?? '',
    text: a.text ?? '',
    voice: a.voice ?? '',
    next: fromApi(a.next) ?? { type: 'hangup' },
  }
}

/** The whole announcement, as both a new one and a change send it (`null` clears what is not played). */
function body(v: AnnouncementValues) {
  const text = v.plays === 'text'
  return {
    name: v.name.trim(),
    recording_id: text ? null : v.recording_id,
    text: text ? v.text.trim() : null,
    voice: text ? orNull(v.voice) : null,
    next: toApi(v.next),
  }
}

export const toNew = (v: AnnouncementValues): Schemas['NewAnnouncement'] => body(v)
export const toUpdate = (v: AnnouncementValues): Schemas['AnnouncementUpdate'] => body(v)
