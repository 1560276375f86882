import { PlusIcon, XIcon } from 'lucide-react'
import {
  type Control,
  Controller,
  type FieldErrors,
  type UseFormRegister,
  useFieldArray,
} from 'react-hook-form'
import { DestinationPicker } from '@/components/destination-picker'
import { Field } from '@/components/field'
import { Button } from '@/components/ui/button'
import { Input } from '@/components/ui/input'
import { type IvrMenuValues, MAX_OPTIONS } from './schemas'

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '*', '#']

/** The menu's choices: the keys a caller presses, a label for people reading it, where it leads. */
export function OptionsEditor({
  control,
  register,
  errors,
  disabled,
}: {
  control: Control<IvrMenuValues>
  register: UseFormRegister<IvrMenuValues>
  errors: FieldErrors<IvrMenuValues>
  disabled: boolean
}) {
  const { fields, append, remove } = useFieldArray({ control, name: 'options' })
  const used = new Set(fields.map((f) => f.digits))
  const listError = errors.options?.message ?? errors.options?.root?.message

  return (
    <div className="flex flex-col gap-3">
      {fields.length === 0 ? (
        <p className="rounded-md border border-dashed px-3 py-4 text-center text-sm text-muted-foreground">
          No options yet: add the keys callers press.
        </p>
      ) : (
        <ol aria-label="Options by key" className="m-0 flex list-none flex-col gap-2 p-0">
          {fields.map((f, i) => {
            const e = errors.options?.[i]
            return (
              <li
                key={f.id}
                className="grid grid-cols-[4.5rem_1fr_auto] gap-3 rounded-md border p-3 sm:grid-cols-[6rem_1fr_auto]"
              >
                <Field label="Keys" error={e?.digits?.message ?? e?.message}>
                  {(p) => (
                    <Input
                      {...p}
                      inputMode="tel"
                      autoComplete="off"
                      className="font-mono"
                      disabled={disabled}
                      {...register(`options.${i}.digits`)}
                    />
                  )}
                </Field>
                <Field label="Label" hint="For people reading the menu, e.g. Sales" error={e?.label?.message}>
                  {(p) => <Input {...p} disabled={disabled} {...register(`options.${i}.label`)} />}
                </Field>
                {!disabled && (
                  <Button
                    type="button"
                    variant="ghost"
                    size="icon"
                    className="mt-6 justify-self-end"
                    aria-label={`Remove option ${f.digits || i + 1}`}
                    onClick={() => remove(i)}
                  >
                    <XIcon aria-hidden />
                  </Button>
                )}
                <Controller
                  control={control}
                  name={`options.${i}.destination`}
                  render={({ field, fieldState }) => (
                    <Field
                      label="Leads to"
                      error={fieldState.error?.message}
                      className="col-span-3 flex flex-col gap-1.5"
                    >
                      {(p) => (
                        <DestinationPicker
                          {...p}
                          value={field.value}
                          onChange={field.onChange}
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
        <div>
          <Button
            type="button"
            variant="outline"
            size="sm"
            disabled={fields.length >= MAX_OPTIONS}
            onClick={() =>
              append({ digits: KEYS.find((k) => !used.has(k)) ?? '', label: '', destination: null })
            }
          >
            <PlusIcon aria-hidden /> Add an option
          </Button>
        </div>
      )}
    </div>
  )
}
