import type { FieldPath, FieldValues, UseFormSetError } from 'react-hook-form'
import { isApiError, type Problem } from './client'

/**
 * The server's JSON path of a field (`members[2]`, `options[0].destination.id`) in
 * react-hook-form's dotted notation (`members.2`, `options.0.destination.id`).
 */
export function formPath(apiPath: string): string {
  return apiPath.replace(/\[(\d+)\]/g, '.$1').replace(/^\./, '')
}

function matches(path: string[], pattern: string[]): boolean {
  return (
    path.length === pattern.length &&
    pattern.every((p, i) => p === path[i] || (p === '*' && /^\d+$/.test(path[i] ?? '')))
  )
}

/**
 * The form field a server error belongs to: the longest prefix of its path that is one of the
 * form's fields (`*` stands for any index), so `destination.id` lands on the `destination` picker
 * and `members[2]` on the third member row. Null when no field fits (shown above the form).
 */
export function fieldFor(apiPath: string, fields: readonly string[]): string | null {
  if (!apiPath) return null
  const path = formPath(apiPath).split('.')
  const patterns = fields.map((f) => f.split('.'))
  for (let len = path.length; len > 0; len--) {
    const prefix = path.slice(0, len)
    if (patterns.some((p) => matches(prefix, p))) return prefix.join('.')
  }
  return null
}

/** What the user should read for a failed call, in one sentence. */
export function problemMessage(error: unknown): string {
  if (!isApiError(error)) return error instanceof Error ? error.message : 'Something went wrong.'
  const { problem } = error
  return problem.detail ?? problem.title
}

/**
 * Puts a failed submit onto the form: each field error on its field (the first one focused),
 * everything else (errors on no known field, problems without field errors) as the form's
 * `root.server` message. Field errors come with 422 (invalid input), and also with 409 when a
 * value conflicts with the organization's data (a destination that no longer exists).
 */
export function applyProblem<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly FieldPath<T>[] | readonly string[],
): void {
  const leftover: string[] = []
  if (isApiError(error) && error.problem.errors?.length) {
    const seen = new Set<string>()
    for (const e of error.problem.errors) {
      const field = fieldFor(e.field, fields)
      if (field === null) {
        leftover.push(e.field ? `${e.field}: ${e.message}` : e.message)
      } else if (!seen.has(field)) {
        setError(
          field as FieldPath<T>,
          { type: 'server', message: e.message },
          { shouldFocus: seen.size === 0 },
        )
        seen.add(field)
      }
    }
    if (leftover.length === 0) return
  }
  const message = leftover.length ? leftover.join(' ') : problemMessage(error)
  setError('root.server' as FieldPath<T>, { type: 'server', message })
}

export type Reference = NonNullable<Problem['references']>[number]

/** The objects a 409 named as still using the one being deleted. */
export function referencesOf(error: unknown): Reference[] {
  return isApiError(error, 409) ? (error.problem.references ?? []) : []
}
