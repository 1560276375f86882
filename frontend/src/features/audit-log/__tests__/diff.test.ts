import { describe, expect, it } from 'vitest'
import { auditDiff, showValue } from '../diff'

describe('the before/after of an audit entry', () => {
  it('lists each field with what happened to it, nested ones by their path', () => {
    const rows = auditDiff(
      {
        name: 'Front desk',
        number: '302',
        sip_password: '********',
        forward_always: { type: 'extension', id: 'a' },
        members: ['a', 'b'],
      },
      {
        name: 'Reception',
        number: '302',
        sip_password: '********',
        forward_always: { type: 'ring_group', id: 'g' },
        members: ['a'],
        voicemail_enabled: true,
      },
    )
    expect(rows.map((r) => [r.field, r.change])).toEqual([
      ['name', 'changed'],
      ['number', 'unchanged'],
      ['sip_password', 'unchanged'],
      ['forward_always.type', 'changed'],
      ['forward_always.id', 'changed'],
      ['members[0]', 'unchanged'],
      ['members[1]', 'removed'],
      ['voicemail_enabled', 'added'],
    ])
    expect(rows[0]).toMatchObject({ before: 'Front desk', after: 'Reception' })
  })

  it('shows a created object as all added and a deleted one as all removed', () => {
    expect(auditDiff(null, { domain: 'acme.cloudonix.net', api_key: 'XI…abcd' })).toEqual([
      { field: 'domain', before: undefined, after: 'acme.cloudonix.net', change: 'added' },
      { field: 'api_key', before: undefined, after: 'XI…abcd', change: 'added' },
    ])
    expect(auditDiff({ name: 'Sales' }, null).map((r) => r.change)).toEqual(['removed'])
    expect(auditDiff(null, null)).toEqual([])
  })

  it('keeps a masked secret as the server masked it, and a changed one as changed', () => {
    const [row] = auditDiff({ api_key: 'XI…abcd' }, { api_key: 'XI…wxyz' })
    expect(row).toMatchObject({ change: 'changed', before: 'XI…abcd', after: 'XI…wxyz' })
  })

  it('writes values as text', () => {
    expect(showValue(null)).toBe('—')
    expect(showValue(undefined)).toBe('—')
    expect(showValue(true)).toBe('yes')
    expect(showValue(20)).toBe('20')
    expect(showValue([])).toBe('[]')
  })
})
