import { z } from 'zod'
import type { Schemas } from '@/api/client'
import { orNull } from '@/lib/forms'

// Limits from shared/src/http/api/settings/organization.rs (name 1 to 255, at most 100 prefixes,
// speech up to 1000 characters) and the `NumberPrefix` schema (+ and 1 to 15 digits).
export const MAX_PREFIXES = 100

export const organizationSchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(255, 'must be at most 255 characters'),
    timezone: z.string().min(1, 'is required'),
    default_caller_id: z.string(),
    external_forwarding: z.enum(['outbound_routes', 'listed_prefixes', 'never']),
    forwarding_prefixes: z
      .array(
        z.object({
          prefix: z
            .string()
            .trim()
            .regex(/^\+[0-9]{1,15}$/, 'must be + and 1 to 15 digits, e.g. +1212'),
        }),
      )
      .max(MAX_PREFIXES, `at most ${MAX_PREFIXES} prefixes`),
    unassigned_number_message: z.string().trim().max(1000, 'must be at most 1000 characters'),
  })
  .refine((v) => v.external_forwarding !== 'listed_prefixes' || v.forwarding_prefixes.length > 0, {
    path: ['forwarding_prefixes'],
    message: 'needs at least one prefix when forwarding is limited to listed prefixes',
  })

export type OrganizationValues = z.infer<typeof organizationSchema>

/** Where server errors may land: `forwarding_prefixes[1]` on the second prefix. */
export const organizationFields = [
  'name',
  'timezone',
  'default_caller_id',
  'external_forwarding',
  'forwarding_prefixes',
  'forwarding_prefixes.*',
  'unassigned_number_message',
]

export const forwardingRules: Record<
  OrganizationValues['external_forwarding'],
  { label: string; explain: string }
> = {
  outbound_routes: {
    label: 'To any number an outbound route allows',
    explain: 'Extensions may forward calls to any outside number that one of your outbound routes dials.',
  },
  listed_prefixes: {
    label: 'Only to numbers starting with listed prefixes',
    explain: 'Forwarding outside is allowed only to numbers that start with one of the prefixes below.',
  },
  never: {
    label: 'Never',
    explain: 'Extensions may forward calls only inside the organization.',
  },
}

export function toValues(o: Schemas['OrganizationSettingsView']): OrganizationValues {
  return {
    name: o.name,
    timezone: o.timezone,
    default_caller_id: o.default_caller_id ?? '',
    external_forwarding: o.external_forwarding,
    forwarding_prefixes: o.forwarding_prefixes.map((prefix) => ({ prefix })),
    unassigned_number_message: o.unassigned_number_message ?? '',
  }
}

export function toBody(v: OrganizationValues): Schemas['OrganizationUpdate'] {
  return {
    name: v.name.trim(),
    // The zones offered come from this browser's Intl; the server judges the one chosen.
    timezone: v.timezone as Schemas['Timezone'],
    default_caller_id: orNull(v.default_caller_id),
    external_forwarding: v.external_forwarding,
    forwarding_prefixes: v.forwarding_prefixes.map((p) => p.prefix.trim()),
    unassigned_number_message: orNull(v.unassigned_number_message),
  }
}
