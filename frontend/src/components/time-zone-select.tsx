import { type ComponentProps, useMemo } from 'react'
import { NativeSelect } from './ui/input'

/** Every IANA zone this browser knows (UTC included, which some leave out), plus the current one. */
function timeZones(current: string): string[] {
  const known = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []
  return [...new Set(['UTC', current, ...known])].sort()
}

/** An IANA time zone, from the zones this browser knows (the server judges the one chosen). */
export function TimeZoneSelect({ current, ...props }: ComponentProps<'select'> & { current: string }) {
  const zones = useMemo(() => timeZones(current), [current])
  return (
    <NativeSelect {...props}>
      {zones.map((zone) => (
        <option key={zone} value={zone}>
          {zone.replace(/_/g, ' ')}
        </option>
      ))}
    </NativeSelect>
  )
}
