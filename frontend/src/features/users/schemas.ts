import { z } from 'zod'
import type { Schemas } from '@/api/client'
import { email, longName, password } from '@/lib/forms'

const base = {
  name: longName,
  email,
  role: z.enum(['owner', 'pbx_admin', 'pbx_user', 'reporter']),
  status: z.enum(['active', 'inactive']),
}

export const newUserSchema = z.object({ ...base, password })
export const editUserSchema = z.object({ ...base, password: z.union([z.literal(''), password]) })

export type UserValues = z.infer<typeof editUserSchema>
export type UserView = Schemas['UserView']

export const userFields = Object.keys(editUserSchema.shape)

export function toValues(u: UserView): UserValues {
  return { name: u.name, email: u.email, role: u.role, status: u.status, password: '' }
}

export function toNew(v: UserValues): Schemas['NewUser'] {
  return { name: v.name.trim(), email: v.email.trim(), role: v.role, status: v.status, password: v.password }
}

/** Only what changed; a password only when one was typed. */
export function toUpdate(v: UserValues, before: UserView): Schemas['UserUpdate'] {
  const body: Schemas['UserUpdate'] = {}
  if (v.name.trim() !== before.name) body.name = v.name.trim()
  if (v.email.trim() !== before.email) body.email = v.email.trim()
  if (v.role !== before.role) body.role = v.role
  if (v.status !== before.status) body.status = v.status
  if (v.password) body.password = v.password
  return body
}
