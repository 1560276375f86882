import { useQuery } from '@tanstack/react-query'
import { useMe } from '@/api/me'
import { announcements } from '@/api/resources'
import type { Column } from '@/components/data-table'
import { DestinationName } from '@/components/destination-picker'
import { RowLink } from '@/components/list-parts'
import { ListScreen } from '@/components/list-screen'
import { Badge } from '@/components/ui/badge'
import { type ListPageProps, listQuery } from '@/lib/list-search'
import type { AnnouncementSort } from './api'
import type { AnnouncementView } from './schemas'

const columns: Column<AnnouncementView, AnnouncementSort>[] = [
  {
    key: 'name',
    header: 'Name',
    sort: 'name',
    cell: (a) => (
      <RowLink to="/announcements/$id" id={a.id}>
        {a.name}
      </RowLink>
    ),
  },
  {
    key: 'plays',
    header: 'Plays',
    className: 'hidden sm:table-cell',
    cell: (a) =>
      a.recording_id ? (
        <Badge variant="outline">Recording</Badge>
      ) : (
        <span className="line-clamp-1 text-muted-foreground">“{a.text}”</span>
      ),
  },
  {
    key: 'next',
    header: 'Then',
    cell: (a) => <DestinationName destination={a.next} withType />,
  },
]

export function AnnouncementsPage(list: ListPageProps<AnnouncementSort>) {
  const { organization } = useMe()
  const query = useQuery(announcements.list(organization.id, listQuery(list.search)))
  return (
    <ListScreen
      title="Announcements"
      description="A recording or a spoken text callers hear before their call goes on."
      create={{ to: '/announcements/new', label: 'New announcement' }}
      list={list}
      query={query}
      columns={columns}
      searchPlaceholder="Search name"
      statusFilter={false}
      empty={{
        title: 'No announcements yet',
        description: 'E.g. “Calls may be recorded” before the front desk rings.',
      }}
    />
  )
}
