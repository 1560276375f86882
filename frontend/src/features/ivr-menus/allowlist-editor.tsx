import { useQuery } from '@tanstack/react-query'
import { XIcon } from 'lucide-react'
import { useId } from 'react'
import { type Control, type FieldErrors, useFieldArray } from 'react-hook-form'
import { useOrgId } from '@/api/me'
import { DestinationName } from '@/components/destination-picker'
import { Button } from '@/components/ui/button'
import { NativeSelect } from '@/components/ui/input'
import { Label } from '@/components/ui/label'
import { objectSources } from '@/lib/destination'
import type { IvrMenuValues } from './schemas'

/** The extensions callers may dial directly from the menu; none listed means every active one. */
export function AllowlistEditor({
  control,
  errors,
  disabled,
}: {
  control: Control<IvrMenuValues>
  errors: FieldErrors<IvrMenuValues>
  disabled: boolean
}) {
  const addId = useId()
  const orgId = useOrgId()
  const { fields, append, remove } = useFieldArray({ control, name: 'direct_dial_allowlist' })
  const source = objectSources.extension
  const extensions = useQuery(source.list(orgId))
  const names = new Map((extensions.data?.data ?? []).map((e) => [e.id, source.name(e)]))
  const listed = new Set(fields.map((f) => f.extension))
  const addable = (extensions.data?.data ?? []).filter((e) => !listed.has(e.id))
  const listError = errors.direct_dial_allowlist?.message ?? errors.direct_dial_allowlist?.root?.message

  return (
    <div className="flex flex-col gap-2">
      {fields.length === 0 ? (
        <p className="text-sm text-muted-foreground">Every active extension may be dialled.</p>
      ) : (
        <ul aria-label="Extensions callers may dial" className="m-0 flex list-none flex-wrap gap-2 p-0">
          {fields.map((f, i) => (
            <li key={f.id} className="flex items-center gap-1 rounded-md border py-0.5 pr-0.5 pl-2 text-sm">
              <DestinationName destination={{ type: 'extension', id: f.extension }} />
              {errors.direct_dial_allowlist?.[i] && (
                <span className="text-xs text-destructive">
                  {errors.direct_dial_allowlist[i]?.message ??
                    errors.direct_dial_allowlist[i]?.extension?.message}
                </span>
              )}
              {!disabled && (
                <Button
                  type="button"
                  variant="ghost"
                  size="icon"
                  className="size-7"
                  aria-label={`Remove ${names.get(f.extension) ?? 'extension'} from the list`}
                  onClick={() => remove(i)}
                >
                  <XIcon aria-hidden />
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {listError && <p className="text-xs font-medium text-destructive">{listError}</p>}
      {!disabled && (
        <div className="flex flex-col gap-1.5 sm:max-w-sm">
          <Label htmlFor={addId}>Only these extensions</Label>
          <NativeSelect
            id={addId}
            value=""
            disabled={extensions.isPending || addable.length === 0}
            onChange={(e) => {
              if (e.target.value) append({ extension: e.target.value })
            }}
          >
            <option value="">
              {extensions.isPending
                ? 'Loading…'
                : addable.length
                  ? 'Add an extension…'
                  : 'Every extension is listed'}
            </option>
            {addable.map((e) => (
              <option key={e.id} value={e.id}>
                {source.name(e)}
              </option>
            ))}
          </NativeSelect>
        </div>
      )}
    </div>
  )
}
