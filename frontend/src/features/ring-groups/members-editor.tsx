import { useQuery } from '@tanstack/react-query'
import { useId } from 'react'
import { type Control, type FieldErrors, useFieldArray } from 'react-hook-form'
import { useOrgId } from '@/api/me'
import { DestinationName } from '@/components/destination-picker'
import { SortableList } from '@/components/sortable-list'
import { NativeSelect } from '@/components/ui/input'
import { Label } from '@/components/ui/label'
import { objectSources } from '@/lib/destination'
import type { RingGroupValues } from './schemas'

/** The members in ring order: add from the organization's extensions, reorder, remove. */
export function MembersEditor({
  control,
  errors,
  disabled,
}: {
  control: Control<RingGroupValues>
  errors: FieldErrors<RingGroupValues>
  disabled: boolean
}) {
  const orgId = useOrgId()
  const addId = useId()
  const { fields, append, move, remove } = useFieldArray({ control, name: 'members' })
  const source = objectSources.extension
  const extensions = useQuery(source.list(orgId))
  const names = new Map((extensions.data?.data ?? []).map((e) => [e.id, source.name(e)]))
  const listed = new Set(fields.map((f) => f.extension))
  const addable = (extensions.data?.data ?? []).filter((e) => !listed.has(e.id))
  const listError = errors.members?.message ?? errors.members?.root?.message

  return (
    <div className="flex flex-col gap-2">
      {fields.length > 0 ? (
        <SortableList
          label="Members, in ring order"
          items={fields.map((f) => ({ key: f.id, label: names.get(f.extension) ?? 'extension' }))}
          onMove={move}
          onRemove={remove}
          disabled={disabled}
          render={(_, index) => {
            const member = fields[index]
            const error = errors.members?.[index]?.message ?? errors.members?.[index]?.extension?.message
            return (
              <div className="flex flex-col">
                <span className="truncate text-sm">
                  {member && <DestinationName destination={{ type: 'extension', id: member.extension }} />}
                </span>
                {error && <span className="text-xs font-medium text-destructive">{error}</span>}
              </div>
            )
          }}
        />
      ) : (
        <p className="rounded-md border border-dashed px-3 py-4 text-center text-sm text-muted-foreground">
          No members yet: add the extensions that should ring.
        </p>
      )}
      {listError && <p className="text-xs font-medium text-destructive">{listError}</p>}
      {!disabled && (
        <div className="flex flex-col gap-1.5 sm:max-w-sm">
          <Label htmlFor={addId}>Add a member</Label>
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
                  ? 'Choose an extension…'
                  : 'Every extension is a member'}
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
