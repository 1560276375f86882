import { zodResolver } from '@hookform/resolvers/zod'
import { type DefaultValues, type FieldValues, useForm } from 'react-hook-form'
import type { z } from 'zod'
import { applyProblem } from '@/api/problem'

/**
 * A react-hook-form form validated by `schema` whose submit calls the API: on success the form
 * takes the saved values as its new baseline; on failure the server's errors land on `fields`.
 */
export function useApiForm<T extends FieldValues>({
  schema,
  defaultValues,
  fields,
  onSubmit,
  baseline = (values) => values,
}: {
  schema: z.ZodType<T, T>
  defaultValues: T
  fields: readonly string[]
  onSubmit: (values: T, dirty: Partial<Record<keyof T, unknown>>) => Promise<unknown>
  /** What the form shows once saved (e.g. without the password just set). */
  baseline?: (saved: T) => T
}) {
  const form = useForm<T>({
    resolver: zodResolver(schema),
    defaultValues: defaultValues as DefaultValues<T>,
  })
  // Read during render: react-hook-form tracks only the form state a component has read.
  const { dirtyFields } = form.formState
  const submit = form.handleSubmit(async (values) => {
    try {
      await onSubmit(values, dirtyFields as Partial<Record<keyof T, unknown>>)
      form.reset(baseline(values))
    } catch (e) {
      applyProblem(e, form.setError, fields)
    }
  })
  return { form, submit }
}
