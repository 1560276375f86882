import type { FieldValues, UseFormSetError } from 'react-hook-form'
import { describe, expect, it, vi } from 'vitest'
import { ApiError } from './client'
import { applyProblem, fieldFor, formPath, referencesOf } from './problem'

const invalid = (errors: { field: string; message: string }[]) =>
  new ApiError(422, {
    type: 'urn:opbx:problem:validation-failed',
    title: 'Invalid input',
    status: 422,
    errors,
  })

describe('server field paths', () => {
  it('become react-hook-form paths', () => {
    expect(formPath('name')).toBe('name')
    expect(formPath('members[2]')).toBe('members.2')
    expect(formPath('options[0].destination.id')).toBe('options.0.destination.id')
  })

  it('land on the deepest field the form has', () => {
    const fields = ['name', 'members.*', 'options.*.digits', 'options.*.destination', 'destination']
    expect(fieldFor('members[2]', fields)).toBe('members.2')
    expect(fieldFor('options[0].destination.id', fields)).toBe('options.0.destination')
    expect(fieldFor('destination.number', fields)).toBe('destination')
    expect(fieldFor('name', fields)).toBe('name')
  })

  it('land nowhere when the form has no such field or the body as a whole is at fault', () => {
    expect(fieldFor('', ['name'])).toBeNull()
    expect(fieldFor('timezone', ['name'])).toBeNull()
    // An index is not a name: `members.x` is not `members.*`.
    expect(fieldFor('members.x', ['members.*'])).toBeNull()
  })
})

describe('applyProblem', () => {
  it('puts each 422 message on its field, focusing the first, and nothing on the form', () => {
    const setError = vi.fn<UseFormSetError<FieldValues>>()
    applyProblem(
      invalid([
        { field: 'members[1]', message: 'is listed twice' },
        { field: 'name', message: 'is required' },
      ]),
      setError,
      ['name', 'members.*'],
    )
    expect(setError).toHaveBeenCalledWith(
      'members.1',
      { type: 'server', message: 'is listed twice' },
      { shouldFocus: true },
    )
    expect(setError).toHaveBeenCalledWith(
      'name',
      { type: 'server', message: 'is required' },
      { shouldFocus: false },
    )
    expect(setError).not.toHaveBeenCalledWith('root.server', expect.anything())
  })

  it('puts the field errors of a 409 (a value conflicting with current data) on their fields too', () => {
    const setError = vi.fn<UseFormSetError<FieldValues>>()
    const conflict = new ApiError(409, {
      type: 'urn:opbx:problem:conflict',
      title: 'Conflict',
      status: 409,
      errors: [{ field: 'destination.id', message: 'no such ring group in your organization' }],
    })
    applyProblem(conflict, setError, ['destination'])
    expect(setError).toHaveBeenCalledWith(
      'destination',
      { type: 'server', message: 'no such ring group in your organization' },
      { shouldFocus: true },
    )
  })

  it('shows messages of fields the form lacks above the form, naming the field', () => {
    const setError = vi.fn<UseFormSetError<FieldValues>>()
    applyProblem(invalid([{ field: 'user_id', message: 'no such user in your organization' }]), setError, [
      'name',
    ])
    expect(setError).toHaveBeenCalledWith('root.server', {
      type: 'server',
      message: 'user_id: no such user in your organization',
    })
  })

  it('shows any other failure as the problem detail', () => {
    const setError = vi.fn<UseFormSetError<FieldValues>>()
    const forbidden = new ApiError(403, {
      type: 'urn:opbx:problem:forbidden',
      title: 'Forbidden',
      status: 403,
      detail: 'Only an owner can manage owners and PBX admins or grant those roles.',
    })
    applyProblem(forbidden, setError, ['role'])
    expect(setError).toHaveBeenCalledWith('root.server', {
      type: 'server',
      message: 'Only an owner can manage owners and PBX admins or grant those roles.',
    })
  })
})

describe('referencesOf', () => {
  it('reads the users of an object from a 409 and nothing from other errors', () => {
    const references = [{ object_type: 'ring_group', id: 'r1', name: 'Sales' }]
    const conflict = new ApiError(409, {
      type: 'urn:opbx:problem:in-use',
      title: 'Still in use',
      status: 409,
      references,
    })
    expect(referencesOf(conflict)).toEqual(references)
    expect(referencesOf(invalid([]))).toEqual([])
    expect(referencesOf(new Error('boom'))).toEqual([])
  })
})
