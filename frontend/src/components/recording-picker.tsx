import { useQuery } from '@tanstack/react-query'
import { UploadIcon } from 'lucide-react'
import { type Control, Controller, type FieldValues, type Path } from 'react-hook-form'
import { useMe } from '@/api/me'
import { recordings } from '@/api/resources'
import { canWriteConfig } from '@/lib/roles'
import { clock } from '@/lib/time'
import { Field } from './field'
import { UploadRecordingDialog } from './recording-upload'
import { Button } from './ui/button'
import { NativeSelect } from './ui/input'

/** The first hundred recordings by name: what the picker offers (shares the list screen's cache). */
const PICKER_LIST = { per_page: 100, sort: 'name' } as const

/**
 * One of the organization's recordings, by name and length, with a shortcut to upload a new one
 * (chosen once uploaded) for those who may upload. The value is the recording's id, '' for none.
 */
export function RecordingPicker({
  id,
  value,
  onChange,
  none,
  disabled,
  'aria-invalid': invalid,
  'aria-describedby': describedBy,
}: {
  id: string
  value: string
  onChange: (id: string) => void
  /** What choosing no recording means, when that is allowed ("Standard greeting"). */
  none?: string
  disabled?: boolean
  'aria-invalid'?: boolean
  'aria-describedby'?: string
}) {
  const { organization, user } = useMe()
  const orgId = organization.id
  const list = useQuery(recordings.list(orgId, PICKER_LIST))
  const options = list.data?.data ?? []
  // A recording beyond the first hundred still shows as chosen.
  const listed = options.some((r) => r.id === value)
  const chosen = useQuery({
    ...recordings.detail(orgId, value),
    enabled: Boolean(value) && list.isSuccess && !listed,
  })
  const missing = value && !listed ? chosen.data : undefined

  return (
    <div className="flex flex-col gap-2 sm:flex-row">
      <NativeSelect
        id={id}
        value={value}
        disabled={disabled}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        aria-busy={list.isPending}
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">{list.isPending ? 'Loading recordings…' : (none ?? 'Choose a recording…')}</option>
        {missing && (
          <option value={missing.id}>{`${missing.name} (${clock(missing.duration_ms / 1000)})`}</option>
        )}
        {options.map((r) => (
          <option key={r.id} value={r.id}>
            {`${r.name} (${clock(r.duration_ms / 1000)})`}
          </option>
        ))}
      </NativeSelect>
      {!disabled && canWriteConfig(user.role) && (
        <UploadRecordingDialog
          trigger={
            <Button type="button" variant="outline" className="shrink-0">
              <UploadIcon aria-hidden /> Upload new
            </Button>
          }
          onUploaded={(r) => onChange(r.id)}
        />
      )}
    </div>
  )
}

/** A form's recording field: the picker under its label, with the field's error. */
export function RecordingField<T extends FieldValues>({
  control,
  name,
  label,
  hint,
  none,
  disabled,
  className,
}: {
  control: Control<T>
  name: Path<T>
  label: string
  hint?: string
  none?: string
  disabled?: boolean
  className?: string
}) {
  return (
    <Controller
      control={control}
      name={name}
      render={({ field, fieldState }) => (
        <Field label={label} hint={hint} error={fieldState.error?.message} className={className}>
          {(p) => (
            <RecordingPicker
              {...p}
              value={field.value}
              onChange={field.onChange}
              none={none}
              disabled={disabled}
            />
          )}
        </Field>
      )}
    />
  )
}
