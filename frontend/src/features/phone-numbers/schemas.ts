import { z } from 'zod'
import type { Schemas } from '@/api/client'
import { fromApi, toApi } from '@/lib/destination'
import { destination, NAME_MAX, phoneNumber } from '@/lib/forms'

export const phoneNumberSchema = z.object({
  number: phoneNumber,
  label: z.string().trim().max(NAME_MAX, `must be at most ${NAME_MAX} characters`),
  // Null only while the form is new; submitting requires a choice.
  destination: destination.nullable().refine((d) => Boolean(d), 'choose where calls go'),
  status: z.enum(['active', 'inactive']),
})

export type PhoneNumberValues = z.infer<typeof phoneNumberSchema>
export type PhoneNumberView = Schemas['PhoneNumberView']

export const phoneNumberFields = Object.keys(phoneNumberSchema.shape)

export const newPhoneNumber: PhoneNumberValues = {
  number: '',
  label: '',
  destination: null,
  status: 'active',
}

export function toValues(n: PhoneNumberView): PhoneNumberValues {
  return { number: n.number, label: n.label, destination: fromApi(n.destination), status: n.status }
}

export function toBody(v: PhoneNumberValues): Schemas['NewPhoneNumber'] {
  if (!v.destination) throw new Error('the form requires a destination')
  return {
    number: v.number.trim(),
    label: v.label.trim(),
    destination: toApi(v.destination),
    status: v.status,
  }
}
