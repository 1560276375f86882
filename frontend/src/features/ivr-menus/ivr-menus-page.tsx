import { useQuery } from '@tanstack/react-query'
import type { Schemas } from '@/api/client'
import { useMe } from '@/api/me'
import { ivrMenus } from '@/api/resources'
import type { Column } from '@/components/data-table'
import { RowLink } from '@/components/list-parts'
import { ListScreen } from '@/components/list-screen'
import { statusColumn } from '@/components/status-column'
import { type ListPageProps, listQuery } from '@/lib/list-search'
import type { IvrMenuSort } from './api'

type IvrMenuView = Schemas['IvrMenuView']

const columns: Column<IvrMenuView, IvrMenuSort>[] = [
  {
    key: 'name',
    header: 'Name',
    sort: 'name',
    cell: (m) => (
      <RowLink to="/ivr-menus/$id" id={m.id}>
        {m.name}
      </RowLink>
    ),
  },
  {
    key: 'keys',
    header: 'Keys',
    cell: (m) =>
      m.options.length ? (
        <span className="font-mono">{m.options.map((o) => o.digits).join(' ')}</span>
      ) : (
        <span className="text-muted-foreground">none</span>
      ),
  },
  {
    key: 'greeting',
    header: 'Greeting',
    className: 'hidden md:table-cell',
    cell: (m) => (m.prompt_audio_url ? 'Recording' : 'Spoken text'),
  },
  {
    key: 'direct',
    header: 'Direct dial',
    className: 'hidden md:table-cell',
    cell: (m) =>
      m.direct_dial
        ? m.direct_dial_allowlist.length
          ? `${m.direct_dial_allowlist.length} extension${m.direct_dial_allowlist.length === 1 ? '' : 's'}`
          : 'Any extension'
        : 'Off',
  },
  statusColumn('hidden sm:table-cell'),
]

export function IvrMenusPage(list: ListPageProps<IvrMenuSort>) {
  const { organization } = useMe()
  const query = useQuery(ivrMenus.list(organization.id, listQuery(list.search)))
  return (
    <ListScreen
      title="IVR menus"
      description="Menus that let callers choose where to go by pressing keys."
      create={{ to: '/ivr-menus/new', label: 'New menu' }}
      list={list}
      query={query}
      columns={columns}
      searchPlaceholder="Search name"
      empty={{ title: 'No IVR menus yet', description: '“For sales press 1, for support press 2.”' }}
    />
  )
}
