import { PlusIcon, XIcon } from 'lucide-react'
import {
  type Control,
  Controller,
  type FieldErrors,
  type UseFormRegister,
  useFieldArray,
  useWatch,
} from 'react-hook-form'
import { DestinationPicker } from '@/components/destination-picker'
import { Field } from '@/components/field'
import { Button } from '@/components/ui/button'
import { Input, NativeSelect } from '@/components/ui/input'
import { type BusinessHoursValues, type ExceptionValues, MAX_EXCEPTIONS } from './schemas'

function today(): string {
  const now = new Date()
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`
}

/**
 * Holidays (closed) and special openings (open) on local dates, each optionally sending calls
 * somewhere of its own instead of the schedule's closed or open destination.
 */
export function ExceptionsEditor({
  control,
  register,
  errors,
  disabled,
}: {
  control: Control<BusinessHoursValues>
  register: UseFormRegister<BusinessHoursValues>
  errors: FieldErrors<BusinessHoursValues>
  disabled: boolean
}) {
  const { fields, append, remove } = useFieldArray({ control, name: 'exceptions' })
  const modes = useWatch({ control, name: 'exceptions' })?.map((e) => e.mode) ?? []
  const add = (mode: ExceptionValues['mode']) =>
    append({ name: '', mode, start_date: today(), end_date: today(), destination: null })
  const listError = errors.exceptions?.message ?? errors.exceptions?.root?.message

  return (
    <div className="flex flex-col gap-3">
      {fields.length === 0 ? (
        <p className="rounded-md border border-dashed px-3 py-4 text-center text-sm text-muted-foreground">
          No holidays or special openings.
        </p>
      ) : (
        <ol aria-label="Holidays and special openings" className="m-0 flex list-none flex-col gap-2 p-0">
          {fields.map((f, i) => {
            const e = errors.exceptions?.[i]
            const closed = (modes[i] ?? f.mode) === 'closed'
            return (
              <li key={f.id} className="grid gap-3 rounded-md border p-3 sm:grid-cols-2">
                <Field label="Name" error={e?.name?.message ?? e?.message}>
                  {(p) => (
                    <Input
                      {...p}
                      placeholder={closed ? 'Christmas' : 'Stocktake Saturday'}
                      disabled={disabled}
                      {...register(`exceptions.${i}.name`)}
                    />
                  )}
                </Field>
                <div className="flex items-end gap-2 self-start">
                  <Field
                    label="Kind"
                    error={e?.mode?.message}
                    className="flex min-w-0 flex-1 flex-col gap-1.5"
                  >
                    {(p) => (
                      <NativeSelect {...p} disabled={disabled} {...register(`exceptions.${i}.mode`)}>
                        <option value="closed">Holiday: closed</option>
                        <option value="open">Special opening: open</option>
                      </NativeSelect>
                    )}
                  </Field>
                  {!disabled && (
                    <Button
                      type="button"
                      variant="ghost"
                      size="icon"
                      aria-label={`Remove exception ${i + 1}`}
                      onClick={() => remove(i)}
                    >
                      <XIcon aria-hidden />
                    </Button>
                  )}
                </div>
                <Field label="From" error={e?.start_date?.message}>
                  {(p) => (
                    <Input
                      {...p}
                      type="date"
                      disabled={disabled}
                      {...register(`exceptions.${i}.start_date`)}
                    />
                  )}
                </Field>
                <Field label="To (inclusive)" error={e?.end_date?.message}>
                  {(p) => (
                    <Input {...p} type="date" disabled={disabled} {...register(`exceptions.${i}.end_date`)} />
                  )}
                </Field>
                <Controller
                  control={control}
                  name={`exceptions.${i}.destination`}
                  render={({ field, fieldState }) => (
                    <Field
                      label="Calls go to"
                      error={fieldState.error?.message}
                      className="flex flex-col gap-1.5 sm:col-span-2"
                    >
                      {(p) => (
                        <DestinationPicker
                          {...p}
                          value={field.value}
                          onChange={field.onChange}
                          none={closed ? 'Where calls go while closed' : 'Where calls go while open'}
                          disabled={disabled}
                        />
                      )}
                    </Field>
                  )}
                />
              </li>
            )
          })}
        </ol>
      )}
      {listError && <p className="text-xs font-medium text-destructive">{listError}</p>}
      {!disabled && (
        <div className="flex flex-wrap gap-2">
          <Button
            type="button"
            variant="outline"
            size="sm"
            disabled={fields.length >= MAX_EXCEPTIONS}
            onClick={() => add('closed')}
          >
            <PlusIcon aria-hidden /> Add a holiday
          </Button>
          <Button
            type="button"
            variant="outline"
            size="sm"
            disabled={fields.length >= MAX_EXCEPTIONS}
            onClick={() => add('open')}
          >
            <PlusIcon aria-hidden /> Add a special opening
          </Button>
        </div>
      )}
    </div>
  )
}
