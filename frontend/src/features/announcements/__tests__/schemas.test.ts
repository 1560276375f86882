import { describe, expect, it } from 'vitest'
import { announcementSchema, newAnnouncement, toNew, toUpdate, toValues } from '../schemas'

const issues = (values: unknown) => {
  const r = announcementSchema.safeParse(values)
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}

describe('announcement form', () => {
  it('needs a recording or a text, whichever it plays, and where to go next', () => {
    expect(issues({ ...newAnnouncement, name: 'Recorded calls' })).toEqual([
      'recording_id: choose a recording',
    ])
    expect(issues({ ...newAnnouncement, name: 'Recorded calls', plays: 'text' })).toEqual([
      'text: is required: what callers hear',
    ])
    expect(
      issues({ ...newAnnouncement, name: 'x', plays: 'text', text: 'y'.repeat(1001), voice: 'v'.repeat(65) }),
    ).toEqual(['text: must be at most 1000 characters', 'voice: must be at most 64 characters'])
    expect(
      issues({ ...newAnnouncement, name: 'x', recording_id: 'r1', next: { type: 'ring_group', id: '' } }),
    ).toEqual(['next.id: choose where calls go'])
  })

  it('sends what it plays and clears the other', () => {
    const recorded = { ...newAnnouncement, name: ' Recorded calls ', recording_id: 'r1', text: 'left over' }
    expect(toNew(announcementSchema.parse(recorded))).toEqual({
      name: 'Recorded calls',
      recording_id: 'r1',
      text: null,
      voice: null,
      next: { type: 'hangup' },
    })
    const spoken = { ...recorded, plays: 'text', text: ' Calls may be recorded. ', voice: ' ' }
    expect(toUpdate(announcementSchema.parse(spoken))).toEqual({
      name: 'Recorded calls',
      recording_id: null,
      text: 'Calls may be recorded.',
      voice: null,
      next: { type: 'hangup' },
    })
  })

  it('shows a saved announcement as it plays: the recording before the text', () => {
    const at = '2026-12-01T09:00:00Z'
    const saved = {
      id: 'a1',
      name: 'Recorded calls',
      recording_id: 'r1',
      text: 'Calls may be recorded.',
      voice: null,
      next: { type: 'ring_group' as const, id: 'g1' },
      created_at: at,
      updated_at: at,
    }
    expect(toValues(saved)).toMatchObject({ plays: 'recording', recording_id: 'r1', next: saved.next })
    expect(toValues({ ...saved, recording_id: null })).toMatchObject({ plays: 'text', recording_id: '' })
  })
})
