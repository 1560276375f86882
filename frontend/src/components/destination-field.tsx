import { type Control, Controller, type FieldValues, type Path } from 'react-hook-form'
import { DestinationPicker } from './destination-picker'
import { Field } from './field'

/**
 * A form's required destination: the picker under its label, with the server's error for the
 * field. Clearing the picker means hanging up, since such a destination cannot be left empty.
 */
export function DestinationField<T extends FieldValues>({
  control,
  name,
  label,
  disabled,
  className,
}: {
  control: Control<T>
  name: Path<T>
  label: string
  disabled?: boolean
  className?: string
}) {
  return (
    <Controller
      control={control}
      name={name}
      render={({ field, fieldState }) => (
        <Field label={label} error={fieldState.error?.message} className={className}>
          {(p) => (
            <DestinationPicker
              {...p}
              value={field.value}
              onChange={(d) => field.onChange(d ?? { type: 'hangup' })}
              disabled={disabled}
            />
          )}
        </Field>
      )}
    />
  )
}
