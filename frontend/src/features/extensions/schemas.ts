import { z } from 'zod'
import type { Schemas } from '@/api/client'
import { type DestinationChoice, fromApi, toApi } from '@/lib/destination'
import { destination, email, extensionNumber, name, orNull } from '@/lib/forms'

// Limits from shared/src/http/api/rules.rs (NO_ANSWER_TIMEOUT, SPEECH_MAX, URL_MAX, sip_password).
export const NO_ANSWER_TIMEOUT = { min: 5, max: 120 }
const SPEECH_MAX = 1000
const URL_MAX = 2048

const sipPassword = z
  .string()
  .refine((p) => p === '' || (p.length >= 12 && p.length <= 64), 'must be 12 to 64 characters')
  .refine(
    (p) => /^[\x21-\x7e]*$/.test(p) && !/["\\]/.test(p),
    'may contain only visible ASCII characters, without " or \\',
  )

const greeting = z
  .string()
  .trim()
  .superRefine((text, ctx) => {
    if (/^https?:\/\//i.test(text)) {
      if (!/^https:\/\/[^/\s]+/i.test(text))
        ctx.addIssue({ code: 'custom', message: 'must be an https:// URL' })
      else if (text.length > URL_MAX)
        ctx.addIssue({ code: 'custom', message: 'must be at most 2048 characters' })
    } else if (text.length > SPEECH_MAX) {
      ctx.addIssue({ code: 'custom', message: 'must be at most 1000 characters' })
    }
  })

export const extensionSchema = z.object({
  number: extensionNumber,
  name,
  user_id: z.string(),
  status: z.enum(['active', 'inactive']),
  sip_password: sipPassword,
  do_not_disturb: z.boolean(),
  forward_always: destination.nullable(),
  no_answer: destination.nullable(),
  no_answer_timeout: z
    .number({ error: 'must be a number of seconds' })
    .int('must be whole seconds')
    .min(NO_ANSWER_TIMEOUT.min, `must be ${NO_ANSWER_TIMEOUT.min} to ${NO_ANSWER_TIMEOUT.max} seconds`)
    .max(NO_ANSWER_TIMEOUT.max, `must be ${NO_ANSWER_TIMEOUT.min} to ${NO_ANSWER_TIMEOUT.max} seconds`),
  voicemail_enabled: z.boolean(),
  voicemail_greeting: greeting,
  voicemail_greeting_recording_id: z.string(),
  voicemail_email: z.union([z.literal(''), email]),
})

export type ExtensionValues = z.infer<typeof extensionSchema>

/** The form's fields, which server errors are mapped onto. */
export const extensionFields = Object.keys(extensionSchema.shape) as (keyof ExtensionValues)[]

/** Fields only owners and PBX admins may change; the rest is the extension's call handling. */
export const adminFields = ['number', 'name', 'user_id', 'status', 'sip_password'] as const

export type ExtensionView = Schemas['ExtensionView']

export const newExtension: ExtensionValues = {
  number: '',
  name: '',
  user_id: '',
  status: 'active',
  sip_password: '',
  do_not_disturb: false,
  forward_always: null,
  no_answer: null,
  no_answer_timeout: 20,
  voicemail_enabled: true,
  voicemail_greeting: '',
  voicemail_greeting_recording_id: '',
  voicemail_email: '',
}

export function toValues(e: ExtensionView): ExtensionValues {
  return {
    number: e.number,
    name: e.name,
    user_id: e.user_id ?? '',
    status: e.status,
    sip_password: '',
    do_not_disturb: e.do_not_disturb,
    forward_always: fromApi(e.forward_always),
    no_answer: fromApi(e.no_answer),
    no_answer_timeout: e.no_answer_timeout,
    voicemail_enabled: e.voicemail_enabled,
    voicemail_greeting: e.voicemail_greeting ?? '',
    voicemail_greeting_recording_id: e.voicemail_greeting_recording_id ?? '',
    voicemail_email: e.voicemail_email ?? '',
  }
}

const dest = (d: DestinationChoice | null) => (d ? toApi(d) : null)

export function toNew(v: ExtensionValues): Schemas['NewExtension'] {
  return {
    number: v.number.trim(),
    name: v.name.trim(),
    user_id: orNull(v.user_id),
    status: v.status,
    sip_password: orNull(v.sip_password),
    do_not_disturb: v.do_not_disturb,
    forward_always: dest(v.forward_always),
    no_answer: dest(v.no_answer),
    no_answer_timeout: v.no_answer_timeout,
    voicemail_enabled: v.voicemail_enabled,
    voicemail_greeting: orNull(v.voicemail_greeting),
    voicemail_greeting_recording_id: orNull(v.voicemail_greeting_recording_id),
    voicemail_email: orNull(v.voicemail_email),
  }
}

/** A PATCH with only the fields changed (a PBX user thereby never sends an admin field). */
export function toUpdate(
  v: ExtensionValues,
  dirty: Partial<Record<keyof ExtensionValues, unknown>>,
): Schemas['ExtensionUpdate'] {
  const full = toNew(v)
  const body: Schemas['ExtensionUpdate'] = {}
  for (const key of extensionFields) {
    if (!dirty[key] || key === 'sip_password') continue
    Object.assign(body, { [key]: full[key] })
  }
  return body
}
