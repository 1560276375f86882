import { Link, type LinkProps } from '@tanstack/react-router'
import type { FormEventHandler, ReactNode } from 'react'
import {
  type Control,
  Controller,
  type FieldPathByValue,
  type FieldValues,
  type UseFormRegisterReturn,
  type UseFormReturn,
  useFormState,
} from 'react-hook-form'
import { Field, FormError, InlineField } from './field'
import { Button } from './ui/button'
import { Input, NativeSelect } from './ui/input'
import { Switch } from './ui/switch'

/** What every create/edit form of a configuration object takes. */
export interface ObjectFormProps<T> {
  defaultValues: T
  creating: boolean
  /** For roles that may read but not change the object. */
  readOnly: boolean
  onSubmit: (values: T) => Promise<unknown>
}

export interface FormActionsProps {
  /** Where Cancel goes (the list). */
  cancelTo: LinkProps['to']
  creating: boolean
  /** The submit button's words when creating ("Create ring group"). */
  createLabel: string
}

/** Cancel and submit, at the end of a create/edit form. */
function FormActions({
  cancelTo,
  creating,
  createLabel,
  submitting,
  dirty,
}: FormActionsProps & { submitting: boolean; dirty: boolean }) {
  return (
    <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
      <Button variant="outline" asChild>
        <Link to={cancelTo}>Cancel</Link>
      </Button>
      <Button type="submit" disabled={submitting || (!creating && !dirty)}>
        {submitting ? 'Saving…' : creating ? createLabel : 'Save changes'}
      </Button>
    </div>
  )
}

/**
 * A create/edit form: the server's form-level error first, the fields, then Cancel and submit
 * (left out when `actions` is false, for someone who may only read).
 */
export function ApiForm<T extends FieldValues>({
  form,
  onSubmit,
  actions,
  children,
}: {
  form: UseFormReturn<T>
  onSubmit: FormEventHandler<HTMLFormElement>
  actions: FormActionsProps | false
  children: ReactNode
}) {
  const { errors, isSubmitting, isDirty } = useFormState({ control: form.control })
  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      <FormError errors={errors} />
      {children}
      {actions && <FormActions {...actions} submitting={isSubmitting} dirty={isDirty} />}
    </form>
  )
}

/** Active or inactive, with what inactive means for this kind of object. */
export function StatusField({
  field,
  hint,
  error,
  disabled,
}: {
  field: UseFormRegisterReturn
  hint: string
  error?: string
  disabled: boolean
}) {
  return (
    <Field label="Status" hint={hint} error={error}>
      {(p) => (
        <NativeSelect {...p} disabled={disabled} {...field}>
          <option value="active">Active</option>
          <option value="inactive">Inactive</option>
        </NativeSelect>
      )}
    </Field>
  )
}

/** A whole number within the API's limits (register it with `valueAsNumber`). */
export function NumberField({
  label,
  hint,
  field,
  range,
  error,
  disabled,
}: {
  label: string
  hint?: string
  field: UseFormRegisterReturn
  range: { min: number; max: number }
  error?: string
  disabled: boolean
}) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(p) => <Input {...p} type="number" min={range.min} max={range.max} disabled={disabled} {...field} />}
    </Field>
  )
}

/** An on/off setting: label and hint on the left, the switch on the right. */
export function SwitchField<T extends FieldValues>({
  control,
  name,
  label,
  hint,
  disabled,
}: {
  control: Control<T>
  name: FieldPathByValue<T, boolean>
  label: string
  hint?: string
  disabled: boolean
}) {
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => (
        <InlineField label={label} hint={hint}>
          {(p) => (
            <Switch {...p} checked={field.value} onCheckedChange={field.onChange} disabled={disabled} />
          )}
        </InlineField>
      )}
    />
  )
}
