import { z } from 'zod'
import type { Schemas } from '@/api/client'
import { e164Problem, name, orNull } from '@/lib/forms'

// Limits from shared/src/http/api/rules.rs (PRIORITY, STRIP_DIGITS, prepend) and the match
// notation of shared/src/domain/dial_plan.rs, as the OpenAPI schema states them.
export const PRIORITY = { min: 0, max: 10_000 }
export const STRIP_DIGITS = { min: 0, max: 15 }
const PREFIX = /^[0-9+*#]+$/
const PATTERN =
  /^_?(?:(?:[0-9+*#XxZzNn]|\[(?:0-[0-9]|1-[1-9]|2-[2-9]|3-[3-9]|4-[4-9]|5-[5-9]|6-[6-9]|7-[7-9]|8-[8-9]|9-[9-9]|[0-9])+\])+\.?|\.)$/

const whole = (what: string, { min, max }: { min: number; max: number }) =>
  z
    .number({ error: `must be a number` })
    .int('must be a whole number')
    .min(min, `must be ${min} to ${max}${what}`)
    .max(max, `must be ${min} to ${max}${what}`)

export const outboundRouteSchema = z
  .object({
    name,
    priority: whole('', PRIORITY),
    match_kind: z.enum(['prefix', 'pattern']),
    match_value: z.string().trim().min(1, 'is required').max(64, 'must be at most 64 characters'),
    strip_digits: whole(' characters', STRIP_DIGITS),
    prepend: z
      .string()
      .trim()
      .regex(/^\+?[0-9]*$/, 'may contain only digits, optionally after a leading +')
      .max(16, 'must be at most 16 characters'),
    trunk: z.string().trim().min(1, 'is required').max(255, 'must be at most 255 characters'),
    caller_id: z.string().superRefine((value, ctx) => {
      const problem = value.trim() ? e164Problem(value) : null
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    }),
    status: z.enum(['active', 'inactive']),
  })
  .superRefine((v, ctx) => {
    const ok = v.match_kind === 'prefix' ? PREFIX.test(v.match_value) : PATTERN.test(v.match_value)
    if (v.match_value && !ok) {
      ctx.addIssue({
        code: 'custom',
        path: ['match_value'],
        message:
          v.match_kind === 'prefix'
            ? 'a prefix may contain only digits and + * #'
            : "a pattern may contain only digits, + * #, X Z N, [sets] and a final '.'",
      })
    }
  })

export type OutboundRouteValues = z.infer<typeof outboundRouteSchema>
export type OutboundRouteView = Schemas['OutboundRouteView']

export const outboundRouteFields = Object.keys(outboundRouteSchema.shape)

export const newOutboundRoute: OutboundRouteValues = {
  name: '',
  priority: 100,
  match_kind: 'prefix',
  match_value: '',
  strip_digits: 0,
  prepend: '',
  trunk: '',
  caller_id: '',
  status: 'active',
}

export function toValues(r: OutboundRouteView): OutboundRouteValues {
  return {
    name: r.name,
    priority: r.priority,
    match_kind: r.match_kind,
    match_value: r.match_value,
    strip_digits: r.strip_digits,
    prepend: r.prepend,
    trunk: r.trunk,
    caller_id: r.caller_id ?? '',
    status: r.status,
  }
}

function body(v: OutboundRouteValues) {
  return {
    name: v.name.trim(),
    priority: v.priority,
    match_kind: v.match_kind,
    match_value: v.match_value.trim(),
    strip_digits: v.strip_digits,
    prepend: v.prepend.trim(),
    trunk: v.trunk.trim(),
    caller_id: orNull(v.caller_id),
    status: v.status,
  }
}

export const toNew = (v: OutboundRouteValues): Schemas['NewOutboundRoute'] => body(v)
export const toUpdate = (v: OutboundRouteValues): Schemas['OutboundRouteUpdate'] => body(v)
