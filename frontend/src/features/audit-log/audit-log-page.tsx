import { useQuery } from '@tanstack/react-query'
import { XIcon } from 'lucide-react'
import { useMe } from '@/api/me'
import { users } from '@/api/resources'
import { type Column, DataTable } from '@/components/data-table'
import { DateRangeFilter } from '@/components/date-range-filter'
import { PageHeader } from '@/components/page-header'
import { Button } from '@/components/ui/button'
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from '@/components/ui/dialog'
import { NativeSelect } from '@/components/ui/input'
import { dateTime } from '@/lib/time'
import { type AuditEntry, type AuditSearch, actions, auditLog, isFiltered, objectTypes } from './api'
import { AuditDiff } from './audit-diff'

const label = (names: Record<string, string>, value: string) => names[value] ?? value.replace(/_/g, ' ')

/** Narrows the log to one object's history. */
type OnObject = (object: { object_type: string; object_id: string }) => void

function ChangesDialog({
  entry,
  timeZone,
  onObject,
}: {
  entry: AuditEntry
  timeZone: string
  onObject: OnObject
}) {
  const what = `${label(actions, entry.action)} ${label(objectTypes, entry.object_type).toLowerCase()}`
  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button variant="outline" size="sm">
          Changes
          <span className="sr-only">
            {' '}
            of {what} at {dateTime(entry.created_at, timeZone)}
          </span>
        </Button>
      </DialogTrigger>
      <DialogContent className="max-w-3xl">
        <DialogHeader>
          <DialogTitle>{what}</DialogTitle>
          <DialogDescription>
            By {entry.actor_label} at {dateTime(entry.created_at, timeZone)}
            {entry.source_ip && ` from ${entry.source_ip}`}
            {entry.object_id && (
              <>
                {' '}
                · <span className="font-mono">{entry.object_id}</span>
              </>
            )}
          </DialogDescription>
        </DialogHeader>
        <AuditDiff entry={entry} />
        {entry.object_id && (
          <DialogClose asChild>
            <Button
              variant="outline"
              className="justify-self-end"
              onClick={() => onObject({ object_type: entry.object_type, object_id: entry.object_id! })}
            >
              Every change of this object
            </Button>
          </DialogClose>
        )}
      </DialogContent>
    </Dialog>
  )
}

function columns(timeZone: string, onObject: OnObject): Column<AuditEntry>[] {
  return [
    {
      key: 'when',
      header: 'When',
      cell: (e) => <span className="whitespace-nowrap">{dateTime(e.created_at, timeZone)}</span>,
    },
    { key: 'who', header: 'Who', cell: (e) => <span className="break-all">{e.actor_label}</span> },
    { key: 'action', header: 'Action', cell: (e) => label(actions, e.action) },
    {
      key: 'object',
      header: 'Object',
      className: 'hidden sm:table-cell',
      cell: (e) => label(objectTypes, e.object_type),
    },
    {
      key: 'changes',
      header: 'Changes',
      cell: (e) => <ChangesDialog entry={e} timeZone={timeZone} onObject={onObject} />,
    },
  ]
}

function Choice({
  label: name,
  value,
  options,
  any,
  onChange,
}: {
  label: string
  value: string | undefined
  options: [string, string][]
  any: string
  onChange: (value: string | undefined) => void
}) {
  return (
    <NativeSelect
      aria-label={name}
      className="w-full sm:w-48"
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value || undefined)}
    >
      <option value="">{any}</option>
      {options.map(([v, text]) => (
        <option key={v} value={v}>
          {text}
        </option>
      ))}
    </NativeSelect>
  )
}

function Filters({ search, onChange }: { search: AuditSearch; onChange: (next: AuditSearch) => void }) {
  const { organization } = useMe()
  const people = useQuery(users.list(organization.id, { per_page: 100, sort: 'email' }))
  const set = (patch: Partial<AuditSearch>) => onChange({ ...search, ...patch, page: undefined })
  return (
    <div className="flex w-full flex-wrap gap-2">
      <Choice
        label="Who"
        any="Anyone"
        value={search.actor}
        options={(people.data?.data ?? []).map((u) => [u.id, u.email])}
        onChange={(actor) => set({ actor })}
      />
      <Choice
        label="Object type"
        any="Any object"
        value={search.object_type}
        options={Object.entries(objectTypes)}
        onChange={(object_type) => set({ object_type, object_id: undefined })}
      />
      <Choice
        label="Action"
        any="Any action"
        value={search.action}
        options={Object.entries(actions)}
        onChange={(action) => set({ action })}
      />
      <DateRangeFilter value={search} onChange={set} />
      {search.object_id && (
        <Button variant="secondary" onClick={() => set({ object_id: undefined })}>
          Object <span className="font-mono">{search.object_id.slice(0, 8)}…</span>
          <XIcon aria-hidden />
          <span className="sr-only">: show every object</span>
        </Button>
      )}
    </div>
  )
}

export function AuditLogPage({
  search,
  onSearchChange,
}: {
  search: AuditSearch
  onSearchChange: (next: AuditSearch) => void
}) {
  const { organization } = useMe()
  const timeZone = organization.timezone
  const query = useQuery(auditLog(organization.id, search, timeZone))
  return (
    <>
      <PageHeader
        title="Audit log"
        description={`Who changed what, and when; secrets appear masked. Dates and times are in ${timeZone}.`}
      />
      <DataTable
        label="Audit log"
        columns={columns(timeZone, (object) => onSearchChange({ ...object }))}
        query={query}
        search={{ page: search.page }}
        onSearchChange={(next) => onSearchChange({ ...search, page: next.page })}
        searchable={false}
        statusFilter={false}
        filters={<Filters search={search} onChange={onSearchChange} />}
        filtered={isFiltered(search)}
        onClearFilters={() => onSearchChange({})}
        empty={{ title: 'Nothing recorded yet', description: 'Every change and sign-in appears here.' }}
      />
    </>
  )
}
