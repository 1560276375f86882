import { useQuery } from '@tanstack/react-query'
import { MailIcon, MailOpenIcon, Trash2Icon } from 'lucide-react'
import { type ReactNode, useEffect, useRef } from 'react'
import { toast } from 'sonner'
import { useMe } from '@/api/me'
import { problemMessage } from '@/api/problem'
import { extensions } from '@/api/resources'
import { ApiAudio } from '@/components/api-audio'
import { ConfirmDialog } from '@/components/confirm-dialog'
import { PageHeader } from '@/components/page-header'
import { PageNav } from '@/components/page-nav'
import { EmptyState, ErrorState, LoadingState } from '@/components/states'
import { Badge } from '@/components/ui/badge'
import { Button } from '@/components/ui/button'
import { Card } from '@/components/ui/card'
import { NativeSelect } from '@/components/ui/input'
import { PER_PAGE } from '@/lib/list-search'
import { canWriteConfig } from '@/lib/roles'
import { clock, dateTime } from '@/lib/time'
import { cn } from '@/lib/utils'
import {
  useDeleteVoicemail,
  useMarkHeard,
  type VoicemailMessage,
  type VoicemailSearch,
  voicemail,
  voicemailAudio,
} from './api'

/** The mailboxes the signed-in user may open: every extension for admins, their own for PBX users. */
function useMailboxes() {
  const { organization, user } = useMe()
  const list = useQuery(extensions.list(organization.id, { per_page: 100 }))
  const all = list.data?.data ?? []
  // PBX users reach only their own extensions' mailboxes (the API answers the rest as 404).
  const mine = canWriteConfig(user.role) ? all : all.filter((x) => x.user_id === user.id)
  const names = new Map(all.map((x) => [x.id, `${x.number} · ${x.name}`]))
  return { mailboxes: mine, name: (id: string) => names.get(id), everyone: canWriteConfig(user.role) }
}

function Message({
  message,
  mailbox,
  linked,
}: {
  message: VoicemailMessage
  mailbox?: string
  /** The message a voicemail email linked to: marked, and scrolled to. */
  linked: boolean
}) {
  const item = useRef<HTMLLIElement>(null)
  useEffect(() => {
    if (linked) item.current?.scrollIntoView({ block: 'center' })
  }, [linked])
  const { organization } = useMe()
  const mark = useMarkHeard()
  const remove = useDeleteVoicemail()
  const setHeard = (heard: boolean) =>
    mark.mutate({ id: message.id, heard }, { onError: (e) => toast.error(problemMessage(e)) })
  const when = dateTime(message.created_at, organization.timezone)
  return (
    <li
      ref={item}
      className={cn('flex flex-col gap-3 p-4 sm:flex-row sm:items-center', linked && 'bg-accent')}
      aria-label={`Message from ${message.from_number}`}
      aria-current={linked || undefined}
    >
      <div className="flex min-w-0 flex-1 flex-col gap-1">
        <div className="flex flex-wrap items-center gap-2">
          <span className="font-medium tabular-nums">{message.from_number}</span>
          {message.heard ? <Badge variant="outline">Heard</Badge> : <Badge>New</Badge>}
        </div>
        <p className="text-sm text-muted-foreground">
          {when} · {clock(message.duration_seconds)}
          {mailbox && <> · mailbox {mailbox}</>}
        </p>
      </div>
      {/* Listening counts as hearing it. Once OpBX has its copy, the audio comes from there (it
          outlives Cloudonix's); until then from Cloudonix's recording URL. */}
      {message.audio_stored ? (
        <ApiAudio
          label={`Recording from ${message.from_number}, ${when}`}
          load={voicemailAudio(message.id)}
          onPlay={() => !message.heard && setHeard(true)}
        />
      ) : (
        // oxlint-disable-next-line jsx-a11y/media-has-caption -- a voicemail has no transcript to caption; the caller, time and length are in the text beside it
        <audio
          controls
          preload="none"
          src={message.recording_url}
          aria-label={`Recording from ${message.from_number}, ${when}`}
          className="h-9 w-full sm:w-72"
          onPlay={() => !message.heard && setHeard(true)}
        />
      )}
      <div className="flex shrink-0 gap-2">
        <Button
          variant="outline"
          size="sm"
          disabled={mark.isPending}
          onClick={() => setHeard(!message.heard)}
        >
          {message.heard ? <MailIcon aria-hidden /> : <MailOpenIcon aria-hidden />}
          {message.heard ? 'Mark as new' : 'Mark as heard'}
        </Button>
        <ConfirmDialog
          trigger={
            <Button variant="outline" size="sm" aria-label={`Delete message from ${message.from_number}`}>
              <Trash2Icon aria-hidden /> Delete
            </Button>
          }
          title="Delete this message?"
          description={`The message from ${message.from_number} (${when}) is removed from the mailbox for good.`}
          confirmLabel="Delete message"
          destructive
          onConfirm={() => remove.mutateAsync(message.id)}
        />
      </div>
    </li>
  )
}

export function VoicemailPage({
  search,
  onSearchChange,
}: {
  search: VoicemailSearch
  onSearchChange: (next: VoicemailSearch) => void
}) {
  const { organization } = useMe()
  const { mailboxes, name, everyone } = useMailboxes()
  const query = useQuery(voicemail(organization.id, search))
  const set = (patch: Partial<VoicemailSearch>) =>
    onSearchChange({ ...search, ...patch, page: undefined, message: undefined })
  const page = query.data

  let body: ReactNode
  if (query.isPending) body = <LoadingState label="Loading messages…" />
  else if (query.isError) body = <ErrorState error={query.error} onRetry={() => void query.refetch()} />
  else if (query.data.data.length === 0)
    body = (
      <EmptyState
        title={search.show === 'new' ? 'No new messages' : 'No messages'}
        description="Messages callers leave in a mailbox appear here."
      />
    )
  else
    body = (
      <ul aria-label="Messages" className="divide-y">
        {query.data.data.map((m) => (
          <Message
            key={m.id}
            message={m}
            mailbox={search.extension ? undefined : name(m.extension_id)}
            linked={m.id === search.message}
          />
        ))}
      </ul>
    )

  return (
    <>
      <PageHeader
        title="Voicemail"
        description={`Messages callers left in the mailboxes. Times are in ${organization.timezone}.`}
      />
      <Card>
        <div className="flex flex-col gap-2 border-b p-3 sm:flex-row sm:items-center">
          <NativeSelect
            aria-label="Mailbox"
            className="w-full sm:w-56"
            value={search.extension ?? ''}
            onChange={(e) => set({ extension: e.target.value || undefined })}
          >
            <option value="">{everyone ? 'All mailboxes' : 'All my mailboxes'}</option>
            {mailboxes.map((x) => (
              <option key={x.id} value={x.id}>
                {x.number} · {x.name}
              </option>
            ))}
          </NativeSelect>
          <NativeSelect
            aria-label="Show"
            className="w-full sm:w-40"
            value={search.show ?? ''}
            onChange={(e) => set({ show: (e.target.value || undefined) as VoicemailSearch['show'] })}
          >
            <option value="">All messages</option>
            <option value="new">New only</option>
            <option value="heard">Heard only</option>
          </NativeSelect>
        </div>
        {body}
        {page && page.total > PER_PAGE && (
          <PageNav label="Message" page={page} onPage={(n) => onSearchChange({ ...search, page: n })} />
        )}
      </Card>
    </>
  )
}
