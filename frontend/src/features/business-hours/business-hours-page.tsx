import { useQuery } from '@tanstack/react-query'
import type { Schemas } from '@/api/client'
import { useMe } from '@/api/me'
import { businessHours } from '@/api/resources'
import type { Column } from '@/components/data-table'
import { DestinationName } from '@/components/destination-picker'
import { RowLink } from '@/components/list-parts'
import { ListScreen } from '@/components/list-screen'
import { statusColumn } from '@/components/status-column'
import { Badge } from '@/components/ui/badge'
import { type ListPageProps, listQuery } from '@/lib/list-search'
import type { BusinessHoursSort } from './api'
import { weeklyMinutes } from './week'

type BusinessHoursView = Schemas['BusinessHoursView']

function hoursSummary(s: BusinessHoursView): string {
  const hours = Math.round(weeklyMinutes(s.ranges) / 6) / 10
  const holidays = s.exceptions.length
  return `${hours} h a week${holidays ? `, ${holidays} exception${holidays === 1 ? '' : 's'}` : ''}`
}

const columns: Column<BusinessHoursView, BusinessHoursSort>[] = [
  {
    key: 'name',
    header: 'Name',
    sort: 'name',
    cell: (s) => (
      <span className="flex flex-wrap items-center gap-2">
        <RowLink to="/business-hours/$id" id={s.id}>
          {s.name}
        </RowLink>
        {s.manual_override &&
          (s.manual_override.until == null || new Date(s.manual_override.until) > new Date()) && (
            <Badge variant="warning">Forced {s.manual_override.mode}</Badge>
          )}
      </span>
    ),
  },
  { key: 'hours', header: 'Hours', cell: hoursSummary },
  {
    key: 'timezone',
    header: 'Time zone',
    sort: 'timezone',
    className: 'hidden md:table-cell',
    cell: (s) => s.timezone.replace(/_/g, ' '),
  },
  {
    key: 'closed',
    header: 'When closed',
    className: 'hidden lg:table-cell',
    cell: (s) => <DestinationName destination={s.closed} />,
  },
  statusColumn('hidden sm:table-cell'),
]

export function BusinessHoursPage(list: ListPageProps<BusinessHoursSort>) {
  const { organization } = useMe()
  const query = useQuery(businessHours.list(organization.id, listQuery(list.search)))
  return (
    <ListScreen
      title="Business hours"
      description="Weekly opening hours, holidays and overrides that send calls one way while open and another while closed."
      create={{ to: '/business-hours/new', label: 'New schedule' }}
      list={list}
      query={query}
      columns={columns}
      searchPlaceholder="Search name"
      empty={{
        title: 'No schedules yet',
        description:
          'A schedule sends calls to the team while open, and to voicemail or a message while closed.',
      }}
    />
  )
}
