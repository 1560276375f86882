import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { DownloadIcon } from 'lucide-react'
import { useState } from 'react'
import { toast } from 'sonner'
import { useMe } from '@/api/me'
import { extensions } from '@/api/resources'
import { problemMessage } from '@/api/problem'
import { type Column, DataTable } from '@/components/data-table'
import { DateRangeFilter } from '@/components/date-range-filter'
import { PageHeader } from '@/components/page-header'
import { Button } from '@/components/ui/button'
import { Input, NativeSelect } from '@/components/ui/input'
import { canReadConfig } from '@/lib/roles'
import { clock, dateTime, today } from '@/lib/time'
import {
  type CallLogSearch,
  type CallLogSort,
  type CallLogView,
  callDirections,
  callLogs,
  callStatuses,
  downloadCsv,
  isFiltered,
} from './api'
import { CallStatusBadge, DirectionLabel, Party } from './call-parts'

function columns(timeZone: string): Column<CallLogView, CallLogSort>[] {
  return [
    {
      key: 'started_at',
      header: 'Started',
      sort: 'started_at',
      cell: (c) => (
        <Link
          to="/call-logs/$id"
          params={{ id: c.id }}
          className="font-medium whitespace-nowrap text-primary hover:underline"
        >
          {dateTime(c.started_at, timeZone)}
        </Link>
      ),
    },
    {
      key: 'direction',
      header: 'Direction',
      sort: 'direction',
      cell: (c) => <DirectionLabel direction={c.direction} />,
    },
    {
      key: 'from',
      header: 'From',
      sort: 'from_number',
      cell: (c) => <Party number={c.from_number} name={c.caller_name} />,
    },
    {
      key: 'to',
      header: 'To',
      sort: 'to_number',
      className: 'hidden sm:table-cell',
      cell: (c) => <Party number={c.to_number} />,
    },
    { key: 'status', header: 'Status', sort: 'status', cell: (c) => <CallStatusBadge status={c.status} /> },
    {
      key: 'duration',
      header: 'Duration',
      sort: 'duration_seconds',
      className: 'hidden md:table-cell',
      cell: (c) => (
        <span className="tabular-nums">{c.duration_seconds == null ? '—' : clock(c.duration_seconds)}</span>
      ),
    },
  ]
}

/** The extension filter: for roles that may list extensions (a reporter filters by number instead). */
function ExtensionFilter({
  value,
  onChange,
}: {
  value?: string
  onChange: (id: string | undefined) => void
}) {
  const { organization } = useMe()
  const list = useQuery(extensions.list(organization.id, { per_page: 100 }))
  return (
    <NativeSelect
      aria-label="Extension"
      className="w-full sm:w-44"
      value={value ?? ''}
      onChange={(e) => onChange(e.target.value || undefined)}
    >
      <option value="">Any extension</option>
      {list.data?.data.map((x) => (
        <option key={x.id} value={x.id}>
          {x.number} · {x.name}
        </option>
      ))}
    </NativeSelect>
  )
}

function Filters({ search, onChange }: { search: CallLogSearch; onChange: (next: CallLogSearch) => void }) {
  const { user } = useMe()
  const set = (patch: Partial<CallLogSearch>) => onChange({ ...search, ...patch, page: undefined })
  return (
    <div className="flex flex-wrap gap-2">
      <DateRangeFilter value={search} onChange={set} />
      <NativeSelect
        aria-label="Direction"
        className="w-full sm:w-40"
        value={search.direction ?? ''}
        onChange={(e) => set({ direction: (e.target.value || undefined) as CallLogSearch['direction'] })}
      >
        <option value="">Any direction</option>
        {Object.entries(callDirections).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </NativeSelect>
      <NativeSelect
        aria-label="Call status"
        className="w-full sm:w-36"
        value={search.status ?? ''}
        onChange={(e) => set({ status: (e.target.value || undefined) as CallLogSearch['status'] })}
      >
        <option value="">Any status</option>
        {Object.entries(callStatuses).map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </NativeSelect>
      {canReadConfig(user.role) && (
        <ExtensionFilter value={search.extension} onChange={(extension) => set({ extension })} />
      )}
      <CallSidFilter value={search.call_sid} onChange={(call_sid) => set({ call_sid })} />
    </div>
  )
}

/** The exact CallSid: applied on Enter or when the field is left, not per keystroke. */
function CallSidFilter({ value, onChange }: { value?: string; onChange: (sid: string | undefined) => void }) {
  const [text, setText] = useState(value ?? '')
  const [seen, setSeen] = useState(value)
  if (value !== seen) {
    setSeen(value)
    setText(value ?? '')
  }
  const apply = () => {
    if (text.trim() !== (value ?? '')) onChange(text.trim() || undefined)
  }
  return (
    <Input
      aria-label="CallSid"
      placeholder="Exact CallSid"
      className="w-full font-mono sm:w-52"
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={apply}
      onKeyDown={(e) => e.key === 'Enter' && apply()}
    />
  )
}

export function CallLogsPage({
  search,
  onSearchChange,
}: {
  search: CallLogSearch
  onSearchChange: (next: CallLogSearch) => void
}) {
  const { organization } = useMe()
  const query = useQuery(callLogs.list(organization.id, search))
  const [exporting, setExporting] = useState(false)
  const timeZone = organization.timezone
  const exportCsv = async () => {
    setExporting(true)
    try {
      await downloadCsv(search, `calls-${today(timeZone)}.csv`)
    } catch (e) {
      toast.error(problemMessage(e))
    } finally {
      setExporting(false)
    }
  }
  return (
    <>
      <PageHeader
        title="Call history"
        description={`Every call, where it went and why. Dates and times are in ${timeZone}.`}
        actions={
          <Button variant="outline" onClick={exportCsv} disabled={exporting}>
            <DownloadIcon aria-hidden />
            {exporting ? 'Exporting…' : 'Export CSV'}
          </Button>
        }
      />
      <DataTable
        label="Calls"
        columns={columns(timeZone)}
        query={query}
        search={{ q: search.q, page: search.page, sort: search.sort }}
        onSearchChange={(next) => onSearchChange({ ...search, q: next.q, page: next.page, sort: next.sort })}
        searchPlaceholder="Number ends with…"
        statusFilter={false}
        filters={<Filters search={search} onChange={onSearchChange} />}
        filtered={isFiltered(search)}
        onClearFilters={() => onSearchChange({ sort: search.sort })}
        empty={{
          title: 'No calls yet',
          description: 'Calls appear here as soon as Cloudonix sends their first webhook.',
        }}
      />
    </>
  )
}
