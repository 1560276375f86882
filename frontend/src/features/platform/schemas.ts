import { z } from 'zod'
import type { Schemas } from '@/api/client'
import { email, longName } from '@/lib/forms'
import type { PlatformOrganization } from './api'

// The API's `Slug`: 1 to 48 lower-case letters and digits, joined by single dashes.
const slug = z
  .string()
  .trim()
  .max(48, 'must be at most 48 characters')
  .regex(/^([a-z0-9]+(-[a-z0-9]+)*)?$/, 'must be lower-case letters and digits, joined by single dashes')

const base = { name: longName, timezone: z.string().min(1, 'is required') }

/** Creating: the slug may stay empty (the server makes one from the name); the first owner is invited. */
export const newOrganizationSchema = z.object({ ...base, slug, owner_email: email })
/** Changing: no owner here (invited apart), and the slug stays set. */
export const organizationSchema = z.object({
  ...base,
  slug: slug.refine((s) => s.length > 0, 'is required'),
  owner_email: z.string(),
})

export type OrganizationValues = z.infer<typeof newOrganizationSchema>

export const organizationFields = Object.keys(newOrganizationSchema.shape)

type Timezone = Schemas['Timezone']

export function toNew(v: OrganizationValues): Schemas['NewOrganization'] {
  return {
    name: v.name.trim(),
    slug: v.slug.trim() || null,
    // The form offers the zones this browser knows; the server judges the one chosen.
    timezone: v.timezone as Timezone,
    owner_email: v.owner_email.trim(),
  }
}

export function toValues(o: PlatformOrganization): OrganizationValues {
  return { name: o.name, slug: o.slug, timezone: o.timezone, owner_email: '' }
}

/** Only what changed. */
export function toChange(v: OrganizationValues, before: PlatformOrganization): Schemas['OrganizationChange'] {
  const body: Schemas['OrganizationChange'] = {}
  if (v.name.trim() !== before.name) body.name = v.name.trim()
  if (v.slug.trim() !== before.slug) body.slug = v.slug.trim()
  if (v.timezone !== before.timezone) body.timezone = v.timezone as Timezone
  return body
}
