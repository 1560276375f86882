import { PlusIcon, XIcon } from 'lucide-react'
import { type Control, type FieldErrors, type UseFormRegister, useFieldArray } from 'react-hook-form'
import { Field } from '@/components/field'
import { Button } from '@/components/ui/button'
import { Input } from '@/components/ui/input'
import { MAX_PREFIXES, type OrganizationValues } from './schemas'

/** The number prefixes extensions may forward calls to, one per row. */
export function PrefixesEditor({
  control,
  register,
  errors,
  disabled,
}: {
  control: Control<OrganizationValues>
  register: UseFormRegister<OrganizationValues>
  errors: FieldErrors<OrganizationValues>
  disabled: boolean
}) {
  const { fields, append, remove } = useFieldArray({ control, name: 'forwarding_prefixes' })
  const listError = errors.forwarding_prefixes?.message ?? errors.forwarding_prefixes?.root?.message
  return (
    <div className="flex flex-col gap-2">
      {fields.length > 0 && (
        <ol aria-label="Forwarding prefixes" className="m-0 flex list-none flex-col gap-2 p-0">
          {fields.map((f, i) => {
            const e = errors.forwarding_prefixes?.[i]
            return (
              <li key={f.id} className="flex items-start gap-2">
                <Field
                  label={`Prefix ${i + 1}`}
                  error={e?.message ?? e?.prefix?.message}
                  className="flex flex-1 flex-col gap-1 sm:max-w-xs"
                >
                  {(p) => (
                    <Input
                      {...p}
                      inputMode="tel"
                      placeholder="+1212"
                      className="font-mono"
                      disabled={disabled}
                      {...register(`forwarding_prefixes.${i}.prefix`)}
                    />
                  )}
                </Field>
                {!disabled && (
                  <Button
                    type="button"
                    variant="ghost"
                    size="icon"
                    className="mt-6"
                    aria-label={`Remove prefix ${i + 1}`}
                    onClick={() => remove(i)}
                  >
                    <XIcon aria-hidden />
                  </Button>
                )}
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
            disabled={fields.length >= MAX_PREFIXES}
            onClick={() => append({ prefix: '+' })}
          >
            <PlusIcon aria-hidden /> Add a prefix
          </Button>
        </div>
      )}
    </div>
  )
}
