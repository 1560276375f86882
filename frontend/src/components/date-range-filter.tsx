import { Input } from './ui/input'

interface DateRange {
  from?: string
  to?: string
}

/** From and to dates (`2026-03-01`) of a list filter; each bounds the other. */
export function DateRangeFilter({
  value,
  onChange,
}: {
  value: DateRange
  onChange: (next: DateRange) => void
}) {
  return (
    <>
      <Input
        type="date"
        aria-label="From date"
        className="w-full sm:w-40"
        value={value.from ?? ''}
        max={value.to}
        onChange={(e) => onChange({ from: e.target.value || undefined, to: value.to })}
      />
      <Input
        type="date"
        aria-label="To date"
        className="w-full sm:w-40"
        value={value.to ?? ''}
        min={value.from}
        onChange={(e) => onChange({ from: value.from, to: e.target.value || undefined })}
      />
    </>
  )
}
