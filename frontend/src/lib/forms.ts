import { z } from 'zod'
import type { DestinationChoice, ObjectDestinationType } from './destination'
import { objectSources } from './destination'

// Form-side rules mirroring the API's limits (shared/src/http/api/rules.rs); the server stays the
// judge and its 422s land on the same fields.

export const NAME_MAX = 100

export const name = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(NAME_MAX, `must be at most ${NAME_MAX} characters`)

/** A person's or organization's name (the API's `LongName`: 1 to 255 characters). */
export const longName = z.string().trim().min(1, 'is required').max(255, 'must be at most 255 characters')

export const email = z
  .string()
  .trim()
  .email('must be an email address')
  .max(255, 'must be at most 255 characters')

// Password rules the form can check alone (shared/src/domain/password.rs); the server also
// refuses common passwords and ones containing the email's name part, on the same field.
const PASSWORD = { min: 10, max: 256 }

export const password = z
  .string()
  .min(PASSWORD.min, `must be at least ${PASSWORD.min} characters`)
  .max(PASSWORD.max, `must be at most ${PASSWORD.max} characters`)

/** A new password typed twice: spread into a form's shape, then `.refine(sameTwice, notTheSame)`. */
export const newPassword = { password, confirm: z.string() }
export const sameTwice = (v: { password: string; confirm: string }) => v.password === v.confirm
export const notTheSame = { path: ['confirm'], message: 'does not match the password' }

/**
 * Why a typed telephone number is not E.164, or null when it is (the server's `E164::parse`: `+`
 * or `00`, then 7 to 15 digits not starting with 0, with spaces, dots, dashes and parentheses).
 */
export function e164Problem(input: string): string | null {
  const t = input.trim()
  const rest = t.startsWith('+') ? t.slice(1) : t.startsWith('00') ? t.slice(2) : null
  if (rest === null) return 'must start with + and the country code, e.g. +12125550100'
  if (!/^[0-9 .()-]*$/.test(rest)) {
    return 'may contain only digits, spaces, dots, dashes and parentheses after the +'
  }
  const digits = rest.replace(/[^0-9]/g, '')
  if (digits.length < 7 || digits.length > 15) return 'must have between 7 and 15 digits'
  if (digits.startsWith('0')) return 'the country code cannot start with 0'
  return null
}

export const phoneNumber = z.string().superRefine((value, ctx) => {
  const problem = e164Problem(value)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
})

/** An extension number: 2 to 8 digits (`ExtensionNumber::parse`). */
export const extensionNumber = z
  .string()
  .trim()
  .regex(/^[0-9]*$/, 'must contain only digits')
  .min(2, 'must have between 2 and 8 digits')
  .max(8, 'must have between 2 and 8 digits')

const objectTypes = Object.keys(objectSources) as [ObjectDestinationType, ...ObjectDestinationType[]]

export const destination: z.ZodType<DestinationChoice, DestinationChoice> = z.discriminatedUnion('type', [
  z.object({
    type: z.enum(objectTypes),
    id: z.string().min(1, 'choose where calls go'),
  }),
  z.object({ type: z.literal('external_number'), number: phoneNumber }),
  z.object({ type: z.literal('hangup') }),
])

/** A whole number of `what` (seconds, tries, …) within the API's limits. */
export const whole = (what: string, { min, max }: { min: number; max: number }) =>
  z
    .number({ error: `must be a number of ${what}` })
    .int(`must be whole ${what}`)
    .min(min, `must be ${min} to ${max} ${what}`)
    .max(max, `must be ${min} to ${max} ${what}`)

/** An empty text field as "not given". */
export function orNull(text: string | null | undefined): string | null {
  const t = text?.trim()
  return t ? t : null
}
