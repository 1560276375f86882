import { z } from 'zod'
import type { Schemas } from '@/api/client'
import { type DestinationChoice, fromApi, toApi } from '@/lib/destination'
import { destination, name, orNull, whole } from '@/lib/forms'

// Limits from shared/src/http/api/rules.rs (DIGIT_TIMEOUT, IVR_RETRIES, MAX_OPTIONS, SPEECH_MAX,
// URL_MAX, ivr_digits, https_url).
export const DIGIT_TIMEOUT = { min: 1, max: 30 }
export const IVR_RETRIES = { min: 1, max: 10 }
export const MAX_OPTIONS = 50
const SPEECH_MAX = 1000
const URL_MAX = 2048

const option = z.object({
  digits: z
    .string()
    .trim()
    .regex(/^[0-9*#]{1,4}$/, 'must be 1 to 4 of the keys 0-9, * and #'),
  label: z.string().trim().max(100, 'must be at most 100 characters'),
  destination: destination.nullable().refine((d) => Boolean(d), 'choose where this key leads'),
})

export const ivrMenuSchema = z
  .object({
    name,
    status: z.enum(['active', 'inactive']),
    prompt_kind: z.enum(['text', 'recording', 'audio']),
    prompt_text: z.string().trim().max(SPEECH_MAX, `must be at most ${SPEECH_MAX} characters`),
    prompt_voice: z.string().trim().max(64, 'must be at most 64 characters'),
    prompt_audio_url: z.string().trim().max(URL_MAX, `must be at most ${URL_MAX} characters`),
    prompt_recording_id: z.string(),
    digit_timeout: whole('seconds', DIGIT_TIMEOUT),
    max_invalid: whole('tries', IVR_RETRIES),
    max_timeouts: whole('tries', IVR_RETRIES),
    options: z
      .array(option)
      .max(MAX_OPTIONS, `must have at most ${MAX_OPTIONS} options`)
      .superRefine((options, ctx) => {
        const seen = new Set<string>()
        options.forEach((o, i) => {
          const keys = o.digits.trim()
          if (seen.has(keys))
            ctx.addIssue({ code: 'custom', path: [i, 'digits'], message: 'is used by another option' })
          seen.add(keys)
        })
      }),
    invalid_destination: destination,
    timeout_destination: destination,
    direct_dial: z.boolean(),
    direct_dial_allowlist: z.array(z.object({ extension: z.string().min(1) })),
  })
  .superRefine((v, ctx) => {
    if (v.prompt_kind === 'text' && !v.prompt_text) {
      ctx.addIssue({ code: 'custom', path: ['prompt_text'], message: 'is required: what callers hear' })
    }
    if (v.prompt_kind === 'recording' && !v.prompt_recording_id) {
      ctx.addIssue({ code: 'custom', path: ['prompt_recording_id'], message: 'choose a recording' })
    }
    if (v.prompt_kind === 'audio' && !/^https:\/\/[^/\s]+/i.test(v.prompt_audio_url)) {
      ctx.addIssue({
        code: 'custom',
        path: ['prompt_audio_url'],
        message: 'must be an https:// URL such as https://cdn.example.com/menu.mp3',
      })
    }
  })

export type IvrMenuValues = z.infer<typeof ivrMenuSchema>
export type IvrMenuView = Schemas['IvrMenuView']

/** Where server errors may land: `options[1].digits` on the second option's keys, and so on. */
export const ivrMenuFields = [
  'name',
  'status',
  'prompt_text',
  'prompt_voice',
  'prompt_audio_url',
  'prompt_recording_id',
  'digit_timeout',
  'max_invalid',
  'max_timeouts',
  'options',
  'options.*',
  'options.*.digits',
  'options.*.label',
  'options.*.destination',
  'invalid_destination',
  'timeout_destination',
  'direct_dial',
  'direct_dial_allowlist',
  'direct_dial_allowlist.*',
]

export const newIvrMenu: IvrMenuValues = {
  name: '',
  status: 'active',
  prompt_kind: 'text',
  prompt_text: '',
  prompt_voice: '',
  prompt_audio_url: '',
  prompt_recording_id: '',
  digit_timeout: 5,
  max_invalid: 3,
  max_timeouts: 3,
  options: [],
  invalid_destination: { type: 'hangup' },
  timeout_destination: { type: 'hangup' },
  direct_dial: false,
  direct_dial_allowlist: [],
}

export function toValues(m: IvrMenuView): IvrMenuValues {
  return {
    name: m.name,
    status: m.status,
    // What the routing engine plays when a menu has several: the uploaded recording, else the
    // URL, else the text.
    prompt_kind: m.prompt_recording_id ? 'recording' : m.prompt_audio_url ? 'audio' : 'text',
    prompt_text: m.prompt_text ?? '',
    prompt_voice: m.prompt_voice ?? '',
    prompt_audio_url: m.prompt_audio_url ?? '',
    prompt_recording_id: m.prompt_recording_id ?? '',
    digit_timeout: m.digit_timeout,
    max_invalid: m.max_invalid,
    max_timeouts: m.max_timeouts,
    options: m.options.map((o) => ({
      digits: o.digits,
      label: o.label ?? '',
      destination: fromApi(o.destination),
    })),
    invalid_destination: fromApi(m.invalid_destination) ?? { type: 'hangup' },
    timeout_destination: fromApi(m.timeout_destination) ?? { type: 'hangup' },
    direct_dial: m.direct_dial,
    direct_dial_allowlist: m.direct_dial_allowlist.map((extension) => ({ extension })),
  }
}

/** The whole menu, as both a new menu and a change send it (`null` clears the unused prompt). */
function body(v: IvrMenuValues) {
  const kind = v.prompt_kind
  return {
    name: v.name.trim(),
    status: v.status,
    prompt_text: kind === 'text' ? v.prompt_text.trim() : null,
    prompt_voice: kind === 'text' ? orNull(v.prompt_voice) : null,
    prompt_audio_url: kind === 'audio' ? v.prompt_audio_url.trim() : null,
    prompt_recording_id: kind === 'recording' ? v.prompt_recording_id : null,
    digit_timeout: v.digit_timeout,
    max_invalid: v.max_invalid,
    max_timeouts: v.max_timeouts,
    options: v.options.map((o) => ({
      digits: o.digits.trim(),
      label: o.label.trim(),
      // The schema refuses an option without a destination before anything is sent.
      destination: toApi(o.destination as DestinationChoice),
    })),
    invalid_destination: toApi(v.invalid_destination),
    timeout_destination: toApi(v.timeout_destination),
    direct_dial: v.direct_dial,
    direct_dial_allowlist: v.direct_dial_allowlist.map((e) => e.extension),
  }
}

export const toNew = (v: IvrMenuValues): Schemas['NewIvrMenu'] => body(v)
export const toUpdate = (v: IvrMenuValues): Schemas['IvrMenuUpdate'] => body(v)
