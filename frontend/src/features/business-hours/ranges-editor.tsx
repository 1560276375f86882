import { PlusIcon, XIcon } from 'lucide-react'
import {
  type Control,
  type FieldErrors,
  type UseFormRegister,
  useFieldArray,
  useWatch,
} from 'react-hook-form'
import { Field } from '@/components/field'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { Input, NativeSelect } from '@/components/ui/input'
import { type BusinessHoursValues, MAX_RANGES, toRanges, weekdayRange } from './schemas'
import { crossesMidnight, describe, overlapping, weekdays } from './week'
import { WeekGrid } from './week-grid'

/** The weekly opening ranges: one row each, drawn on the week grid as they are typed. */
export function RangesEditor({
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
  const { fields, append, remove } = useFieldArray({ control, name: 'ranges' })
  const typed = toRanges(useWatch({ control, name: 'ranges' }) ?? [])
  const overlaps = overlapping(typed)
  const full = fields.length >= MAX_RANGES

  return (
    <div className="flex flex-col gap-4">
      <WeekGrid ranges={typed} highlight={overlaps} />
      {overlaps.length > 0 && (
        <Alert variant="warning">
          {overlaps.map((i) => describe(typed[i]!)).join(', ')} overlaps another range; the schedule is simply
          open while either is.
        </Alert>
      )}
      {fields.length > 0 && (
        <ol aria-label="Weekly ranges" className="m-0 flex list-none flex-col gap-2 p-0">
          {fields.map((f, i) => {
            const r = typed[i]
            const rowError =
              errors.ranges?.[i]?.message ??
              errors.ranges?.[i]?.root?.message ??
              errors.ranges?.[i]?.weekday?.message
            return (
              <li key={f.id} className="flex flex-col gap-1 rounded-md border p-2 sm:p-3">
                <div className="flex flex-wrap items-end gap-2">
                  <Field label="Day" className="flex w-full flex-col gap-1 sm:w-40">
                    {(p) => (
                      <NativeSelect {...p} disabled={disabled} {...register(`ranges.${i}.weekday`)}>
                        {weekdays.map((d, n) => (
                          <option key={d} value={String(n + 1)}>
                            {d}
                          </option>
                        ))}
                      </NativeSelect>
                    )}
                  </Field>
                  <Field
                    label="Opens"
                    error={errors.ranges?.[i]?.start?.message}
                    className="flex min-w-0 flex-1 flex-col gap-1 sm:w-32 sm:flex-none"
                  >
                    {(p) => (
                      <Input {...p} type="time" disabled={disabled} {...register(`ranges.${i}.start`)} />
                    )}
                  </Field>
                  <Field
                    label="Closes"
                    error={errors.ranges?.[i]?.end?.message}
                    className="flex min-w-0 flex-1 flex-col gap-1 sm:w-32 sm:flex-none"
                  >
                    {(p) => <Input {...p} type="time" disabled={disabled} {...register(`ranges.${i}.end`)} />}
                  </Field>
                  <p className="order-last basis-full text-xs text-muted-foreground sm:order-none sm:mb-2.5 sm:flex-1 sm:basis-auto">
                    {r && describe(r)}
                    {r && crossesMidnight(r) && r.end_minute > 0 && r.end_minute !== r.start_minute
                      ? ' (past midnight)'
                      : ''}
                  </p>
                  {!disabled && (
                    <Button
                      type="button"
                      variant="ghost"
                      size="icon"
                      aria-label={`Remove ${r ? describe(r) : 'range'}`}
                      onClick={() => remove(i)}
                    >
                      <XIcon aria-hidden />
                    </Button>
                  )}
                </div>
                {rowError && <p className="text-xs font-medium text-destructive">{rowError}</p>}
              </li>
            )
          })}
        </ol>
      )}
      {(errors.ranges?.message ?? errors.ranges?.root?.message) && (
        <p className="text-xs font-medium text-destructive">
          {errors.ranges?.message ?? errors.ranges?.root?.message}
        </p>
      )}
      {!disabled && (
        <div className="flex flex-wrap gap-2">
          <Button
            type="button"
            variant="outline"
            size="sm"
            disabled={full}
            onClick={() => {
              const last = typed[typed.length - 1]
              append(weekdayRange(last ? (last.weekday % 7) + 1 : 1, 9 * 60, 17 * 60))
            }}
          >
            <PlusIcon aria-hidden /> Add a range
          </Button>
          <Button
            type="button"
            variant="outline"
            size="sm"
            disabled={fields.length + 5 > MAX_RANGES}
            onClick={() => append([1, 2, 3, 4, 5].map((d) => weekdayRange(d, 9 * 60, 17 * 60)))}
          >
            <PlusIcon aria-hidden /> Monday to Friday, 09:00–17:00
          </Button>
        </div>
      )}
    </div>
  )
}
