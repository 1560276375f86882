import { z } from 'zod'
import type { Schemas } from '@/api/client'
import { fromApi, toApi } from '@/lib/destination'
import { destination, name, whole } from '@/lib/forms'

// Limits from shared/src/http/api/rules.rs (MEMBER_TIMEOUT, ROUNDS, MAX_MEMBERS).
export const MEMBER_TIMEOUT = { min: 5, max: 120 }
export const ROUNDS = { min: 1, max: 10 }
export const MAX_MEMBERS = 50

export const ringGroupSchema = z.object({
  name,
  strategy: z.enum(['simultaneous', 'sequential', 'round_robin']),
  member_timeout: whole('seconds', MEMBER_TIMEOUT),
  rounds: whole('rounds', ROUNDS),
  skip_busy: z.boolean(),
  // Objects, because react-hook-form's field arrays key their rows by object.
  members: z
    .array(z.object({ extension: z.string().min(1) }))
    .min(1, 'must list at least one extension')
    .max(MAX_MEMBERS, `must list at most ${MAX_MEMBERS} extensions`),
  fallback: destination,
  status: z.enum(['active', 'inactive']),
})

export type RingGroupValues = z.infer<typeof ringGroupSchema>
export type RingGroupView = Schemas['RingGroupView']

/** Where server errors may land: `members[2]` on the third row, `fallback.id` on the picker. */
export const ringGroupFields = [
  'name',
  'strategy',
  'member_timeout',
  'rounds',
  'skip_busy',
  'members',
  'members.*',
  'fallback',
  'status',
]

export const newRingGroup: RingGroupValues = {
  name: '',
  strategy: 'simultaneous',
  member_timeout: 20,
  rounds: 1,
  skip_busy: true,
  members: [],
  fallback: { type: 'hangup' },
  status: 'active',
}

export function toValues(g: RingGroupView): RingGroupValues {
  return {
    name: g.name,
    strategy: g.strategy,
    member_timeout: g.member_timeout,
    rounds: g.rounds,
    skip_busy: g.skip_busy,
    members: g.members.map((extension) => ({ extension })),
    fallback: fromApi(g.fallback) ?? { type: 'hangup' },
    status: g.status,
  }
}

export function toBody(v: RingGroupValues): Schemas['NewRingGroup'] {
  return {
    name: v.name.trim(),
    strategy: v.strategy,
    member_timeout: v.member_timeout,
    rounds: v.rounds,
    skip_busy: v.skip_busy,
    members: v.members.map((m) => m.extension),
    fallback: toApi(v.fallback),
    status: v.status,
  }
}
