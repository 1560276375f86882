import { describe, expect, it } from 'vitest'
import { renameSchema, toUpdate } from '../schemas'

describe('renaming a recording', () => {
  it('needs a name of 1 to 100 characters, sent trimmed', () => {
    expect(renameSchema.safeParse({ name: '   ' }).error?.issues[0]?.message).toBe('is required')
    expect(renameSchema.safeParse({ name: 'x'.repeat(101) }).error?.issues[0]?.message).toBe(
      'must be at most 100 characters',
    )
    const parsed = renameSchema.parse({ name: ' Night greeting ' })
    expect(toUpdate(parsed)).toEqual({ name: 'Night greeting' })
  })
})
