import { describe, expect, it } from 'vitest'
import { destination, e164Problem, extensionNumber } from './forms'
import { listSearch } from './list-search'

describe('telephone numbers, as the server parses them', () => {
  it('accept what people type', () => {
    expect(e164Problem('+1 (212) 555-0100')).toBeNull()
    expect(e164Problem('00 44 20 7946 0000')).toBeNull()
    expect(e164Problem('+442079460000')).toBeNull()
  })

  it('refuse with the server’s words', () => {
    expect(e164Problem('2125550100')).toBe('must start with + and the country code, e.g. +12125550100')
    expect(e164Problem('+1 212 555 01x0')).toBe(
      'may contain only digits, spaces, dots, dashes and parentheses after the +',
    )
    expect(e164Problem('+12345')).toBe('must have between 7 and 15 digits')
    expect(e164Problem('+0123456789')).toBe('the country code cannot start with 0')
  })
})

describe('extension numbers', () => {
  it('are 2 to 8 digits', () => {
    expect(extensionNumber.safeParse('101').success).toBe(true)
    expect(extensionNumber.safeParse('1').error?.issues[0]?.message).toBe('must have between 2 and 8 digits')
    expect(extensionNumber.safeParse('123456789').success).toBe(false)
    expect(extensionNumber.safeParse('10a').error?.issues[0]?.message).toBe('must contain only digits')
  })
})

describe('destinations', () => {
  it('need the id of an object, the number of an outside line, nothing to hang up', () => {
    expect(destination.safeParse({ type: 'ring_group', id: 'r1' }).success).toBe(true)
    expect(destination.safeParse({ type: 'ring_group', id: '' }).error?.issues[0]?.message).toBe(
      'choose where calls go',
    )
    expect(destination.safeParse({ type: 'external_number', number: '+12125550100' }).success).toBe(true)
    expect(destination.safeParse({ type: 'external_number', number: '555' }).success).toBe(false)
    expect(destination.safeParse({ type: 'hangup' }).success).toBe(true)
    expect(destination.safeParse({ type: 'teleport' }).success).toBe(false)
  })
})

describe('list search params', () => {
  const validate = listSearch(['name', 'status'] as const)

  it('keep what the list understands', () => {
    expect(validate({ q: ' ali ', page: 3, sort: '-name', status: 'inactive' })).toEqual({
      q: 'ali',
      page: 3,
      sort: '-name',
      status: 'inactive',
    })
  })

  it('drop what it does not, instead of failing the page', () => {
    expect(validate({ q: '', page: -1, sort: 'password', status: 'deleted', extra: 1 })).toEqual({})
    expect(validate({ page: 1 })).toEqual({})
  })

  it('drop a status for lists of objects without one (recordings, announcements)', () => {
    const noStatus = listSearch(['name'] as const, { status: false })
    expect(noStatus({ q: 'greeting', status: 'active' })).toEqual({ q: 'greeting' })
  })
})
