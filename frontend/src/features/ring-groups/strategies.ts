import type { Schemas } from '@/api/client'

export type RingStrategy = Schemas['RingStrategy']

/** Each strategy in a word and in a sentence, as the routing engine applies it. */
export const strategies: Record<RingStrategy, { label: string; explain: string }> = {
  simultaneous: {
    label: 'All at once',
    explain: 'Every member rings at the same time; the first to answer gets the call.',
  },
  sequential: {
    label: 'In order',
    explain: 'Members ring one at a time, top to bottom, each for the ring time.',
  },
  round_robin: {
    label: 'In rotation',
    explain: 'Members ring one at a time; each new call starts with the next member, spreading calls evenly.',
  },
}
