import { useQuery } from '@tanstack/react-query'
import { type ReactNode, useId } from 'react'
import { useOrgId } from '@/api/me'
import {
  type Destination,
  type DestinationChoice,
  type DestinationType,
  destinationTypeLabels,
  destinationTypes,
  isObjectType,
  type ObjectDestinationType,
  objectSources,
} from '@/lib/destination'
import { Input, NativeSelect } from './ui/input'
import { Label } from './ui/label'

/** The objects calls can be sent to for one destination type, by name. */
function useObjectOptions(type: ObjectDestinationType | null) {
  const orgId = useOrgId()
  const source = objectSources[type ?? 'extension']
  const query = useQuery({ ...source.list(orgId), enabled: type !== null })
  const options = (query.data?.data ?? []).map((o) => ({ id: o.id, name: source.name(o) }))
  return { ...query, options }
}

function blank(type: DestinationType): DestinationChoice {
  if (type === 'external_number') return { type, number: '' }
  if (type === 'hangup') return { type }
  return { type, id: '' }
}

/**
 * Where calls go: a type, then the object by name (never a raw id), an outside number, or
 * nothing for hang-up. `none` offers "no destination" (null) first, labelled as given.
 */
export function DestinationPicker({
  id,
  value,
  onChange,
  none,
  types = destinationTypes,
  disabled,
  'aria-invalid': invalid,
  'aria-describedby': describedBy,
}: {
  id: string
  value: DestinationChoice | null
  onChange: (value: DestinationChoice | null) => void
  none?: string
  types?: DestinationType[]
  disabled?: boolean
  'aria-invalid'?: boolean
  'aria-describedby'?: string
}) {
  const detailId = useId()
  const objectType = value && isObjectType(value.type) ? value.type : null
  const objects = useObjectOptions(objectType)
  const current = useObjectName(objectType, value && 'id' in value ? value.id : '')

  return (
    <fieldset className="m-0 grid min-w-0 gap-2 border-0 p-0 sm:grid-cols-2" aria-describedby={describedBy}>
      <NativeSelect
        id={id}
        value={value?.type ?? ''}
        disabled={disabled}
        aria-invalid={invalid && !value}
        onChange={(e) => onChange(e.target.value ? blank(e.target.value as DestinationType) : null)}
      >
        {none !== undefined ? <option value="">{none}</option> : !value && <option value="">Choose…</option>}
        {types.map((t) => (
          <option key={t} value={t}>
            {destinationTypeLabels[t]}
          </option>
        ))}
      </NativeSelect>

      {value && objectType && 'id' in value && (
        <div className="flex flex-col gap-1">
          <Label htmlFor={detailId} className="sr-only">
            {destinationTypeLabels[objectType]}
          </Label>
          <NativeSelect
            id={detailId}
            value={value.id}
            disabled={disabled || objects.isPending}
            aria-invalid={invalid}
            onChange={(e) => onChange({ type: objectType, id: e.target.value })}
          >
            <option value="" disabled>
              {objects.isPending
                ? 'Loading…'
                : objects.options.length
                  ? `Choose a ${destinationTypeLabels[objectType].toLowerCase()}…`
                  : `No ${destinationTypeLabels[objectType].toLowerCase()} yet`}
            </option>
            {objects.options.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
            {value.id && !objects.isPending && !objects.options.some((o) => o.id === value.id) && (
              <option value={value.id}>{current.name ?? '…'}</option>
            )}
          </NativeSelect>
        </div>
      )}

      {value?.type === 'external_number' && (
        <div className="flex flex-col gap-1">
          <Label htmlFor={detailId} className="sr-only">
            Outside number
          </Label>
          <Input
            id={detailId}
            inputMode="tel"
            autoComplete="off"
            placeholder="+12125550100"
            value={value.number}
            disabled={disabled}
            aria-invalid={invalid}
            onChange={(e) => onChange({ type: 'external_number', number: e.target.value })}
          />
        </div>
      )}
    </fieldset>
  )
}

/** The name of one object destination: from the list the pickers share, else fetched alone. */
function useObjectName(type: ObjectDestinationType | null, id: string) {
  const orgId = useOrgId()
  const source = objectSources[type ?? 'extension']
  const list = useQuery({ ...source.list(orgId), enabled: type !== null && id !== '' })
  const listed = list.data?.data.find((o) => o.id === id)
  // Past the first hundred, ask for the object itself.
  const single = useQuery({
    ...source.detail(orgId, id),
    enabled: type !== null && id !== '' && list.isSuccess && !listed,
  })
  const found = listed ?? single.data
  return {
    name: found ? source.name(found) : undefined,
    pending: list.isPending || (!listed && single.isPending),
  }
}

function ObjectName({ type, id }: { type: ObjectDestinationType; id: string }) {
  const { name, pending } = useObjectName(type, id)
  if (name) return <>{name}</>
  if (pending) return <>…</>
  return <span className="text-destructive">missing {objectSources[type].label.toLowerCase()}</span>
}

/** A destination in words: "Ring group · Sales", "Outside number · +1212…", "Hang up". */
export function DestinationName({
  destination,
  withType = false,
}: {
  destination: Destination | DestinationChoice | null | undefined
  withType?: boolean
}) {
  if (!destination) return <span className="text-muted-foreground">—</span>
  const type = destination.type
  const label = destinationTypeLabels[type]
  let detail: ReactNode = null
  if (type === 'external_number' && 'number' in destination) detail = destination.number
  if (isObjectType(type) && 'id' in destination && destination.id) {
    detail = <ObjectName type={type} id={destination.id} />
  }
  if (detail === null) return <>{label}</>
  // Voicemail and extension names already say what they are.
  if (!withType && (type === 'voicemail' || type === 'external_number')) return <>{detail}</>
  return (
    <>
      {withType || type !== 'extension' ? `${label} · ` : null}
      {detail}
    </>
  )
}
